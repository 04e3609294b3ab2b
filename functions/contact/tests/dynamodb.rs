//! The contact routes against DynamoDB (moto): real conditional writes, and the number of
//! DynamoDB requests each route costs, counted by an SDK interceptor.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use contact::fixtures::ada_body;
use dynamodb_adapters::testing::{fresh_dynamo_store, RequestCounter};
use dynamodb_adapters::DynamoEventStore;
use event_sourcing::WriteMode;
use http_api::testing::{assert_problem, body_json};
use lambda_host::testing::TestApi;
use serde_json::json;

async fn api(mode: WriteMode) -> (TestApi<DynamoEventStore>, RequestCounter) {
    let (store, counter) = fresh_dynamo_store().await;
    (
        TestApi::on([contact::registry()], Arc::new(store), mode),
        counter,
    )
}

#[tokio::test]
async fn each_route_costs_the_fewest_dynamodb_requests() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (api, counter) = api(mode).await;
        let created = api.call("POST", "/api/contacts", Some(ada_body())).await;
        assert_eq!(created.status(), 201);
        assert_eq!(
            counter.operations(),
            ["TransactWriteItems"],
            "create, {mode:?}"
        );

        let calls = [
            (
                "PATCH",
                Some(json!({ "name": "Ada L" })),
                200,
                &["Query", "TransactWriteItems"][..],
            ),
            ("GET", None, 200, &["Query"][..]),
            ("DELETE", None, 204, &["Query", "TransactWriteItems"][..]),
        ];
        for (method, body, status, operations) in calls {
            counter.reset();
            let response = api.call(method, "/api/contacts/c1", body).await;
            assert_eq!(response.status(), status, "{method}, {mode:?}");
            assert_eq!(counter.operations(), operations, "{method}, {mode:?}");
        }
        assert_problem(&api.call("GET", "/api/contacts/c1", None).await, 404);
    }
}

#[tokio::test]
async fn bad_input_never_reaches_dynamodb() {
    let (api, counter) = api(WriteMode::Direct).await;
    let bad = api
        .call("POST", "/api/contacts", Some(json!({ "name": 1 })))
        .await;
    assert_problem(&bad, 400);
    assert_problem(&api.call("GET", "/api/contacts/no%23pe", None).await, 400);
    assert_eq!(counter.count(), 0);
}

#[tokio::test]
async fn concurrent_creates_of_one_id_have_one_winner() {
    let (api, _) = api(WriteMode::Direct).await;
    let api = Arc::new(api);
    let attempts = (0..8).map(|i| {
        let api = api.clone();
        tokio::spawn(async move {
            let body = json!({ "contactId": "same", "name": format!("Writer {i}"), "email": "w@example.com" });
            api.call("POST", "/api/contacts", Some(body))
                .await
                .status()
                .as_u16()
        })
    });
    let mut statuses: Vec<u16> = futures_join(attempts).await;
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn concurrent_edits_at_one_version_lose_none_silently() {
    let (api, _) = api(WriteMode::Direct).await;
    let api = Arc::new(api);
    api.call("POST", "/api/contacts", Some(ada_body())).await;
    let edits = (0..6).map(|i| {
        let api = api.clone();
        tokio::spawn(async move {
            let body = json!({ "name": format!("Editor {i}") });
            api.call_with(
                "PATCH",
                "/api/contacts/c1",
                Some(body),
                &[("if-match", "\"1\"")],
            )
            .await
            .status()
            .as_u16()
        })
    });
    let statuses: Vec<u16> = futures_join(edits).await;
    // One edit lands; every other one is told (409 when it lost the write race, 412 when it
    // read the winner's version first).
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409, 412].contains(s)),
        "{statuses:?}"
    );
    let current = body_json(&api.call("GET", "/api/contacts/c1", None).await);
    assert_eq!(current["version"], 2);
}

async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut results = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        results.push(task.await.expect("task"));
    }
    results
}
