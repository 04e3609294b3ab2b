use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_client_operation_answers_as_documented() {
    let spec = Spec::load();
    let (client, contact) = crate::client_and_contact(&spec);
    expect(
        spec.json(
            "POST",
            "/clients",
            json!({ "clientId": client, "name": "Acme" }),
        ),
        409,
    );
    expect(spec.json("POST", "/clients", json!({ "name": 3 })), 400);
    let path = format!("/clients/{client}");
    expect(spec.get(&path), 200);
    expect(spec.get(&format!("/clients/{}", unique("none"))), 404);
    expect(spec.get("/clients/bad~id"), 400);
    expect(
        spec.json(
            "PUT",
            &path,
            json!({ "name": "Acme Ltd", "industry": "Retail" }),
        ),
        200,
    );
    expect(spec.json("PATCH", &path, json!({ "industry": null })), 200);
    let stale = Some(("application/json", r#"{"name":"X"}"#.into()));
    expect(
        spec.call("PATCH", &path, stale, &[("if-match", "\"1\"")]),
        412,
    );
    expect(
        spec.json(
            "PUT",
            &format!("/clients/{}", unique("none")),
            json!({ "name": "X" }),
        ),
        404,
    );

    // Links.
    let links = format!("{path}/contacts");
    expect(
        spec.json("POST", &links, json!({ "contactId": contact })),
        201,
    );
    expect(
        spec.json("POST", &links, json!({ "contactId": contact })),
        409,
    );
    expect(
        spec.json("POST", &links, json!({ "contactId": unique("ghost") })),
        422,
    );
    expect(
        spec.json(
            "POST",
            &format!("/clients/{}/contacts", unique("none")),
            json!({ "contactId": contact }),
        ),
        404,
    );
    expect(spec.json("POST", &links, json!({})), 400);
    expect(
        spec.call("DELETE", &format!("/contacts/{contact}"), None, &[]),
        409,
    );

    // The read model, once the stream consumer has caught up.
    spec.eventually("/clients?limit=100", &client);
    expect(spec.get("/clients?limit=3"), 200);
    expect(spec.get("/clients?limit=1000"), 400);

    let link = format!("{links}/{contact}");
    expect(
        spec.call("DELETE", &link, None, &[("if-match", "\"1\"")]),
        412,
    );
    expect(spec.call("DELETE", &link, None, &[]), 204);
    expect(spec.call("DELETE", &link, None, &[]), 404);
    crate::the_past_reads_as_documented(&spec, &path, &format!("/clients/{}", unique("none")));
    crate::record_tasks_read_as_documented(&spec, &path);
    spec.assert_covered("/api/clients");
}
