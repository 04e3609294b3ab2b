//! Opportunities behind one router with the clients and pipelines they refer to, and the
//! records every test starts from: client Acme (`k1`) and pipeline Sales (`p1`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use event_sourcing::store::Storage;
use event_sourcing::WriteMode;
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

pub type Api = TestApi<dyn Storage>;

pub fn api(store: Arc<dyn Storage>) -> Api {
    TestApi::on_dyn(
        [
            contact::registry(),
            client::registry(),
            pipeline::registry(),
            opportunity::registry(),
        ],
        store,
        WriteMode::Direct,
    )
}

pub async fn given_acme_and_sales(api: &Api) {
    api.call_expecting(
        201,
        "POST",
        "/api/clients",
        Some(client::fixtures::acme_body()),
    )
    .await;
    api.call_expecting(
        201,
        "POST",
        "/api/pipelines",
        Some(pipeline::fixtures::sales_body()),
    )
    .await;
}

/// The body creating opportunity `o1` for Acme in Sales, owned by `u1`.
pub fn renewal() -> Value {
    json!({
        "opportunityId": "o1", "name": "Acme renewal", "clientId": "k1", "pipelineId": "p1",
        "amount": "12500", "currency": "EUR", "closeDate": "2027-03-31", "ownerId": "u1"
    })
}
