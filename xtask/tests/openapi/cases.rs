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
    // The person's export lists the interaction that names them, as documented.
    let export = expect(spec.get(&format!("/contacts/{contact}/export")), 200);
    assert_eq!(export.body["interactions"][0]["direction"], "outbound");
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

    // The workflow: priority and assignee, statuses, the clocks and the due queue.
    let path = format!("/cases/{case}");
    let assignee = unique("agent");
    let edited = expect(
        spec.json(
            "PATCH",
            &path,
            json!({ "priority": "urgent", "assigneeId": assignee }),
        ),
        200,
    );
    let policy = expect(spec.get("/sla-policy"), 200).body;
    assert_eq!(
        edited.body["sla"]["firstResponse"]["targetMinutes"],
        policy["targets"]["urgent"]["firstResponseMinutes"],
        "the urgent terms of the policy in force: {}",
        edited.body
    );
    expect(
        spec.json("PATCH", &path, json!({ "priority": "asap" })),
        400,
    );
    expect(spec.json("PATCH", &path, json!({})), 400);
    expect(
        spec.json(
            "PATCH",
            &format!("/cases/{}", unique("none")),
            json!({ "priority": "low" }),
        ),
        404,
    );
    let stale = Some(("application/json", r#"{"priority":"low"}"#.into()));
    expect(
        spec.call("PATCH", &path, stale, &[("if-match", "\"1\"")]),
        412,
    );
    let status = format!("{path}/status");
    expect(spec.json("POST", &status, json!({ "status": "open" })), 409);
    expect(
        spec.json("POST", &status, json!({ "status": "closed" })),
        400,
    );
    expect(
        spec.json(
            "POST",
            &status,
            json!({ "status": "pending", "at": "2025-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json("POST", &status, json!({ "status": "pending" })),
        200,
    );
    expect(spec.json("POST", &status, json!({ "status": "open" })), 200);
    expect(
        spec.json(
            "POST",
            &format!("/cases/{}/status", unique("none")),
            json!({ "status": "open" }),
        ),
        404,
    );
    // Opened in 2026, urgent: long breached; listed until answered.
    spec.eventually(&format!("/cases/due?assigneeId={assignee}"), &case);
    expect(spec.get("/cases/due?before=2000-01-01T00:00:00Z"), 200);
    expect(spec.get("/cases/due?before=soon"), 400);
    spec.eventually(&format!("/cases/open?assigneeId={assignee}"), &case);
    expect(
        spec.json(
            "POST",
            &status,
            json!({ "status": "solved", "resolution": "Reset" }),
        ),
        200,
    );
    expect(spec.get(&format!("{path}?asOf=2099-01-01T00:00:00Z")), 200);

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
