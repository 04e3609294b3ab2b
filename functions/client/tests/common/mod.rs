//! Every contact and client slice behind the one test harness, with every subscriber registered.

#![allow(dead_code)]

use std::sync::Arc;

use shared::store::EventStore;
use shared::testing::TestApi;
use shared::WriteMode;

pub type Api = TestApi<dyn EventStore>;

pub fn api(store: Arc<dyn EventStore>, mode: WriteMode) -> Api {
    TestApi::on_dyn([contact::registry(), client::registry()], store, mode)
}

pub fn in_memory() -> Api {
    api(
        Arc::new(shared::store::InMemoryEventStore::new()),
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
