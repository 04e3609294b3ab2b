use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_case_operation_answers_as_documented() {
    let spec = Spec::load();
    let (client, contact) = crate::client_and_contact(&spec);
    let case = unique("s");
    expect(spec.json("POST", "/cases", json!({ "caseId": case, "clientId": client, "description": "Printer on fire", "openedAt": "2026-01-01T09:00:00Z" })), 201);
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "caseId": case, "clientId": client, "description": "again" }),
        ),
        409,
    );
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "clientId": unique("ghost"), "description": "x" }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "caseId": "open", "clientId": client, "description": "x" }),
        ),
        400,
    );
    let interactions = format!("/cases/{case}/interactions");
    expect(
        spec.json(
            "POST",
            &interactions,
            json!({ "description": "Called", "type": "call", "contactId": contact }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            &interactions,
            json!({ "description": "Early", "interactionDate": "2025-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json("POST", &interactions, json!({ "type": "fax" })),
        400,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{}/interactions", unique("none")),
            json!({ "description": "x" }),
        ),
        404,
    );
    expect(spec.get(&format!("/cases/{case}")), 200);
    expect(spec.get(&format!("/cases/{}", unique("none"))), 404);

    // The read model, once the stream consumer has caught up.
    spec.eventually(&format!("/cases/open?clientId={client}"), &case);
    expect(spec.get("/cases/open?limit=2"), 200);
    expect(spec.get("/cases/open?limit=0"), 400);

    let close = format!("/cases/{case}/close");
    expect(
        spec.json(
            "POST",
            &close,
            json!({ "closedAt": "2025-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json("POST", &close, json!({ "resolution": "Fixed" })),
        200,
    );
    expect(spec.call("POST", &close, None, &[]), 409);
    expect(
        spec.json(
            "POST",
            &format!("/cases/{}/close", unique("none")),
            json!({}),
        ),
        404,
    );
    crate::the_past_reads_as_documented(
        &spec,
        &format!("/cases/{case}"),
        &format!("/cases/{}", unique("none")),
    );
    crate::record_tasks_read_as_documented(&spec, &format!("/cases/{case}"));
    spec.assert_covered("/api/cases");
}
