//! No personal data in logs: a day of CRM work on one person, failures included, logged as on
//! Lambda (JSON lines, debug level), holds none of her strings.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use shared::runtime::json_logs;
use shared::testing::TestApi;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'w self) -> Buffer {
        self.clone()
    }
}

#[tokio::test]
async fn a_persons_whole_story_logs_none_of_her_data() {
    let buffer = Buffer::default();
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
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
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
