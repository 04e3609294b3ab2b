//! Every contact and client slice behind the one test harness, with every subscriber registered.

#![allow(dead_code)]

use std::sync::Arc;

use event_sourcing::store::Storage;
use event_sourcing::WriteMode;
use lambda_host::testing::TestApi;

pub type Api = TestApi<dyn Storage>;

pub fn api(store: Arc<dyn Storage>, mode: WriteMode) -> Api {
    TestApi::on_dyn([contact::registry(), client::registry()], store, mode)
}

pub fn in_memory() -> Api {
    api(
        Arc::new(event_sourcing::store::InMemoryEventStore::new()),
        WriteMode::Direct,
    )
}

/// Links a contact to a client, which must succeed.
pub async fn link(api: &Api, client: &str, contact: &str) {
    let linked = api
        .call(
            "POST",
            &format!("/api/clients/{client}/contacts"),
            Some(serde_json::json!({ "contactId": contact })),
        )
        .await;
    assert_eq!(linked.status(), 201, "{:?}", linked.body());
}
