//! No personal data in logs: a day of CRM work on one person, failures included, logged as on
//! Lambda (JSON lines, debug level), holds none of her strings.

use lambda_host::json_logs;
use lambda_host::testing::{LogBuffer, TestApi};
use serde_json::json;

#[tokio::test]
async fn a_persons_whole_story_logs_none_of_her_data() {
    let buffer = LogBuffer::default();
    let _guard = tracing::subscriber::set_default(json_logs("debug", buffer.clone()));
    let api = TestApi::in_memory(stream_consumer::registries());
    let calls = vec![
        (
            "POST",
            "/api/contacts",
            Some(
                json!({ "contactId": "c1", "name": "Hedy Lamarr", "email": "hedy.lamarr@example.org", "phone": "+1 555 0100 777" }),
            ),
        ),
        (
            "POST",
            "/api/contacts",
            Some(
                json!({ "contactId": "c1", "name": "Hedy Lamarr", "email": "hedy.lamarr@example.org" }),
            ),
        ),
        (
            "POST",
            "/api/contacts",
            Some(json!({ "name": "Hedy Lamarr", "email": "not-an-email-hedy" })),
        ),
        (
            "PATCH",
            "/api/contacts/c1",
            Some(json!({ "phone": "+1 555 0100 888" })),
        ),
        (
            "POST",
            "/api/clients",
            Some(json!({ "clientId": "k1", "name": "Acme" })),
        ),
        (
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "c1" })),
        ),
        (
            "POST",
            "/api/cases",
            Some(json!({ "caseId": "s1", "clientId": "k1", "description": "Radio" })),
        ),
        (
            "POST",
            "/api/cases/s1/interactions",
            Some(json!({ "description": "Hedy explained frequency hopping", "contactId": "c1" })),
        ),
        ("GET", "/api/contacts?email=hedy.lamarr@example.org", None),
        ("GET", "/api/contacts/c1/export", None),
        ("GET", "/api/contacts/c1/history", None),
        ("POST", "/api/contacts/c1/erase", None),
        ("GET", "/api/contacts/c1", None),
    ];
    let count = calls.len();
    for (method, path, body) in calls {
        api.call(method, path, body).await;
    }
    let logs = buffer.text();
    assert!(logs.lines().count() >= count, "{logs}");
    for personal in [
        "Hedy",
        "Lamarr",
        "hedy.lamarr",
        "555 0100",
        "frequency hopping",
    ] {
        assert!(
            !logs.contains(personal),
            "the logs hold '{personal}':\n{logs}"
        );
    }
}
