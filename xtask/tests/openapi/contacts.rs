use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_contact_operation_answers_as_documented() {
    let spec = Spec::load();
    let contact = unique("c");
    let email = format!("{contact}@example.com");
    expect(spec.json("POST", "/contacts", json!({ "contactId": contact, "name": "Ada", "email": email, "phone": "+44 20 7946 0000" })), 201);
    expect(
        spec.json(
            "POST",
            "/contacts",
            json!({ "contactId": contact, "name": "Ada", "email": "a@example.com" }),
        ),
        409,
    );
    expect(
        spec.json("POST", "/contacts", json!({ "name": "", "email": "nope" })),
        400,
    );
    expect(
        spec.call(
            "POST",
            "/contacts",
            Some(("text/plain", "hello".into())),
            &[],
        ),
        415,
    );
    expect(
        spec.json(
            "POST",
            "/contacts",
            json!({ "name": "A", "email": "a@example.com", "phone": "1".repeat(70_000) }),
        ),
        413,
    );
    expect(spec.get(&format!("/contacts/{contact}")), 200);
    expect(spec.get("/contacts/bad~id"), 400);
    let path = format!("/contacts/{contact}");
    expect(
        spec.json("PUT", &path, json!({ "name": "Ada L", "email": email })),
        200,
    );
    expect(spec.json("PATCH", &path, json!({ "phone": "12345" })), 200);
    let stale = Some(("application/json", r#"{"name":"X"}"#.into()));
    expect(
        spec.call("PATCH", &path, stale, &[("if-match", "\"1\"")]),
        412,
    );
    expect(spec.json("PATCH", &path, json!({})), 400);

    // The read models, once the stream consumer has caught up.
    spec.eventually(&format!("/contacts?email={contact}@EXAMPLE.com"), &contact);
    expect(spec.get("/contacts?limit=2"), 200);
    expect(spec.get("/contacts?cursor=garbage"), 400);

    expect(
        spec.call("DELETE", &path, None, &[("if-match", "\"1\"")]),
        412,
    );
    expect(
        spec.call("DELETE", &format!("{path}?cascade=maybe"), None, &[]),
        400,
    );
    expect(spec.call("DELETE", &path, None, &[]), 204);
    expect(spec.call("DELETE", &path, None, &[]), 404);
    expect(spec.get(&path), 404);
    crate::the_past_reads_as_documented(&spec, &path, &format!("/contacts/{}", unique("none")));

    // A deleted contact's data is still held: it exports, then it is erased for good.
    let export = expect(spec.get(&format!("{path}/export")), 200);
    assert_eq!(export.body["deleted"], true);
    assert_eq!(export.body["record"]["name"], "Ada L");
    let erased = expect(spec.call("POST", &format!("{path}/erase"), None, &[]), 200);
    assert_eq!(erased.body["erased"], true);
    expect(spec.call("POST", &format!("{path}/erase"), None, &[]), 200);
    expect(spec.get(&format!("{path}/export")), 410);
    expect(spec.get(&path), 410);
    expect(spec.json("PATCH", &path, json!({ "phone": "12345" })), 410);
    let history = expect(spec.get(&format!("{path}/history")), 200);
    assert_eq!(history.body["items"][0]["changes"]["name"], "[erased]");
    let none = format!("/contacts/{}", unique("none"));
    expect(spec.get(&format!("{none}/export")), 404);
    expect(spec.call("POST", &format!("{none}/erase"), None, &[]), 404);
    crate::record_tasks_read_as_documented(&spec, &path);
    spec.assert_covered("/api/contacts");
}
