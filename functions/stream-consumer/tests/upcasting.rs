//! Cases stored by the code before the workflow (schema v1 events and a shape-1 snapshot,
//! `fixtures/v1-cases.json`: the items that build wrote to DynamoDB, scanned from moto) read
//! through every case route: upcast to v2 on the way in, their clocks folded on the default
//! terms of a normal case, and new events appended after the old ones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::sync::Arc;

use dynamodb_adapters::testing::{
    fresh_dynamo_projection_store, fresh_dynamo_store, moto_client, RequestCounter,
};
use event_sourcing::projection::ProjectionStore;
use event_sourcing::WriteMode;
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::{json, Value};
use support::{insert_record, stream_event};

/// The stored items, as the code of before wrote them.
fn v1_items() -> Vec<serde_dynamo::Item> {
    let text = include_str!("fixtures/v1-cases.json");
    serde_json::from_str(text).expect("the fixture is DynamoDB JSON")
}

#[tokio::test]
async fn cases_stored_before_the_workflow_read_and_change_through_every_route() {
    let (events, _) = fresh_dynamo_store().await;
    let client = moto_client(&RequestCounter::default());
    for item in v1_items() {
        client
            .put_item()
            .table_name(events.table())
            .set_item(Some(item.into()))
            .send()
            .await
            .unwrap();
    }
    let events = Arc::new(events);
    let views = Arc::new(fresh_dynamo_projection_store(&RequestCounter::default()).await);
    let api = TestApi::on(
        stream_consumer::registries(),
        events.clone(),
        WriteMode::Direct,
    )
    .with_views(views.clone());

    // The old case reads as a normal, unassigned, open case of unknown origin whose first
    // response was its first call (a call is outbound), on the default terms.
    let case = body_json(&api.call_expecting(200, "GET", "/api/cases/s1", None).await);
    assert_eq!(
        (
            &case["priority"],
            &case["assigneeId"],
            &case["origin"],
            &case["status"],
            &case["version"]
        ),
        (
            &json!("normal"),
            &Value::Null,
            &Value::Null,
            &json!("open"),
            &json!(10)
        )
    );
    let directions: Vec<&str> = case["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["direction"].as_str().unwrap())
        .collect();
    assert_eq!(
        directions,
        [
            "internal", "outbound", "outbound", "outbound", "internal", "outbound", "internal",
            "outbound", "internal"
        ]
    );
    assert_eq!(
        case["sla"]["firstResponse"],
        json!({ "targetMinutes": 480, "dueAt": "2026-01-01T17:00:00Z",
            "fulfilledAt": "2026-01-01T11:00:00Z", "breached": false })
    );
    assert_eq!(case["sla"]["resolution"]["dueAt"], "2026-01-03T09:00:00Z");
    let closed = body_json(&api.call_expecting(200, "GET", "/api/cases/s2", None).await);
    assert_eq!(
        (
            &closed["status"],
            &closed["sla"]["resolution"]["fulfilledAt"],
            &closed["sla"]["resolution"]["breached"]
        ),
        (
            &json!("closed"),
            &json!("2026-01-03T09:00:00Z"),
            &json!(false)
        )
    );
    let history = body_json(
        &api.call_expecting(200, "GET", "/api/cases/s1/history", None)
            .await,
    );
    assert_eq!(history["items"][0]["eventType"], "CaseCreated");
    api.call_expecting(200, "GET", "/api/cases/s1?version=1", None)
        .await;

    // New events follow the old ones.
    let note = json!({ "description": "Customer wrote back", "direction": "inbound",
        "interactionDate": "2026-01-02T09:00:00Z" });
    api.call_expecting(201, "POST", "/api/cases/s1/interactions", Some(note))
        .await;
    api.call_expecting(
        200,
        "PATCH",
        "/api/cases/s1",
        Some(json!({ "priority": "high", "assigneeId": "agent-1" })),
    )
    .await;
    api.call_expecting(
        200,
        "POST",
        "/api/cases/s1/status",
        Some(json!({ "status": "pending", "at": "2026-01-02T10:00:00Z" })),
    )
    .await;
    let now = body_json(&api.call_expecting(200, "GET", "/api/cases/s1", None).await);
    assert_eq!(
        (
            &now["version"],
            &now["priority"],
            &now["status"],
            &now["sla"]["resolution"]["targetMinutes"]
        ),
        (&json!(14), &json!("high"), &json!("pending"), &json!(1440))
    );
    api.call_expecting(200, "POST", "/api/cases/s1/close", Some(json!({})))
        .await;

    // The read models, rebuilt from the old and new events alike.
    let stored = events.scan_all().await.unwrap();
    let records = stored
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    let consumer = stream_consumer::consumer(
        views.clone() as Arc<dyn ProjectionStore>,
        api.app.store.clone(),
    );
    let response = stream_consumer::handle(&consumer, stream_event(records)).await;
    assert!(response.batch_item_failures.is_empty());
    let clients = body_json(&api.call_expecting(200, "GET", "/api/clients", None).await);
    assert_eq!(clients["items"][0]["openCaseCount"], 0, "{clients}");
    let open = body_json(
        &api.call_expecting(200, "GET", "/api/cases/open?clientId=k1", None)
            .await,
    );
    assert_eq!(open["items"], json!([]));
}
