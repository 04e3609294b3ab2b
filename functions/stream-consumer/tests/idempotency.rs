//! Idempotency-Key: a retried command replays its first answer and writes nothing, in both
//! write modes, on both event stores, concurrent retries included.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use dynamodb_adapters::item::SNAPSHOT_SORT_KEY;
use dynamodb_adapters::testing::fresh_dynamo_store;
use dynamodb_adapters::DynamoEventStore;
use event_sourcing::store::{EventStore, Storage};
use event_sourcing::{StreamId, WriteMode};
use http_api::testing::{assert_problem, body_json};
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

fn on_memory(mode: WriteMode) -> TestApi {
    TestApi::with_mode(stream_consumer::registries(), mode)
}

async fn on_dynamodb(mode: WriteMode) -> TestApi<DynamoEventStore> {
    let (store, _) = fresh_dynamo_store().await;
    TestApi::on(stream_consumer::registries(), Arc::new(store), mode)
}

fn header(response: &lambda_http::Response<lambda_http::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A new contact without an id: each execution would make another one.
fn new_contact() -> Value {
    json!({ "name": "Ada", "email": "ada@example.com" })
}

async fn retries_replay_the_first_answer<S: Storage + 'static>(api: &TestApi<S>) {
    let key = [("idempotency-key", "create-ada-1")];
    let first = api
        .call_with("POST", "/api/contacts", Some(new_contact()), &key)
        .await;
    assert_eq!(first.status(), 201, "{:?}", first.body());
    let location = header(&first, "location").unwrap();
    let id = location.trim_start_matches("/api/contacts/").to_owned();
    for _ in 0..2 {
        let again = api
            .call_with("POST", "/api/contacts", Some(new_contact()), &key)
            .await;
        assert_eq!(again.status(), 201);
        assert_eq!(body_json(&again), body_json(&first));
        assert_eq!(header(&again, "location"), Some(location.clone()));
        assert_eq!(header(&again, "etag"), header(&first, "etag"));
        assert_eq!(
            header(&again, "idempotent-replayed").as_deref(),
            Some("true")
        );
    }
    let stored = api
        .store
        .load(&StreamId::new("contact", &id))
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "a retry wrote again");

    // The same key with another request is refused, and writes nothing.
    let other = json!({ "name": "Bea", "email": "bea@example.com" });
    let refused = api
        .call_with("POST", "/api/contacts", Some(other), &key)
        .await;
    let problem = assert_problem(&refused, 422);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("Idempotency-Key"));

    // A command on an existing stream: three deliveries of one interaction record one.
    let client = json!({ "clientId": "k1", "name": "Acme" });
    api.call_expecting(201, "POST", "/api/clients", Some(client))
        .await;
    let case = json!({ "caseId": "s1", "clientId": "k1", "description": "Printer on fire" });
    assert_eq!(
        api.call("POST", "/api/cases", Some(case)).await.status(),
        201
    );
    let call = json!({ "description": "Called back", "type": "call" });
    for _ in 0..3 {
        let added = api
            .call_with(
                "POST",
                "/api/cases/s1/interactions",
                Some(call.clone()),
                &[("idempotency-key", "call-1")],
            )
            .await;
        assert_eq!(added.status(), 201, "{:?}", added.body());
    }
    let case = body_json(&api.call("GET", "/api/cases/s1", None).await);
    assert_eq!(case["interactions"].as_array().unwrap().len(), 1);
    assert_eq!(case["version"], 2);

    // A malformed key is refused before anything runs.
    let bad = api
        .call_with(
            "POST",
            "/api/contacts",
            Some(new_contact()),
            &[("idempotency-key", "")],
        )
        .await;
    assert_problem(&bad, 400);
}

#[tokio::test]
async fn retries_replay_the_first_answer_in_memory() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        retries_replay_the_first_answer(&on_memory(mode)).await;
    }
}

#[tokio::test]
async fn retries_replay_the_first_answer_on_dynamodb() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        retries_replay_the_first_answer(&on_dynamodb(mode).await).await;
    }
}

/// Eight identical requests at once with one key: one writes, all get its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retries_with_one_key_write_once() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let api = Arc::new(on_dynamodb(mode).await);
        let attempts: Vec<_> = (0..8)
            .map(|_| {
                let api = api.clone();
                tokio::spawn(async move {
                    let response = api
                        .call_with(
                            "POST",
                            "/api/contacts",
                            Some(new_contact()),
                            &[("idempotency-key", "same-key")],
                        )
                        .await;
                    (response.status().as_u16(), header(&response, "location"))
                })
            })
            .collect();
        let mut answers = Vec::new();
        for attempt in attempts {
            answers.push(attempt.await.unwrap());
        }
        assert!(
            answers.iter().all(|(status, _)| *status == 201),
            "{answers:?}"
        );
        let location = answers[0].1.clone().unwrap();
        assert!(answers
            .iter()
            .all(|(_, l)| l.as_deref() == Some(location.as_str())));
        let id = location.trim_start_matches("/api/contacts/");
        let stored = api.store.load(&StreamId::new("contact", id)).await.unwrap();
        assert_eq!(stored.len(), 1, "{mode:?}");
        // Only the winner's contact exists: the others wrote nothing at all.
        assert_eq!(api.store.scan_all().await.unwrap().len(), 1, "{mode:?}");
    }
}

/// Key records and snapshots share the event store table: the stream consumer and the scan
/// skip them.
#[tokio::test]
async fn key_records_and_snapshots_are_never_taken_for_events() {
    let api = on_dynamodb(WriteMode::Direct).await;
    let created = api
        .call_with(
            "POST",
            "/api/contacts",
            Some(new_contact()),
            &[("idempotency-key", "k-record")],
        )
        .await;
    assert_eq!(created.status(), 201);
    let events = api.store.scan_all().await.unwrap();
    assert_eq!(events.len(), 1);
    let record_insert = json!({
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": { "PK": { "S": "idempotency#k-record" }, "SK": { "S": "answer" } },
            "NewImage": { "PK": { "S": "idempotency#k-record" }, "SK": { "S": "answer" } },
            "SequenceNumber": "1"
        }
    });
    let event_insert = support::insert_record(&events[0], 2);
    let snapshot = |name: &str| {
        json!({
            "eventName": name,
            "dynamodb": {
                "Keys": { "PK": { "S": "contact#c1" }, "SK": { "S": SNAPSHOT_SORT_KEY } },
                "NewImage": { "PK": { "S": "contact#c1" }, "SK": { "S": SNAPSHOT_SORT_KEY },
                    "version": { "N": "8" }, "shape": { "N": "1" }, "state": { "S": "{}" } },
                "SequenceNumber": "3"
            }
        })
    };
    let records = stream_consumer::parse_records(&support::stream_event(vec![
        record_insert,
        event_insert,
        snapshot("INSERT"),
        snapshot("MODIFY"),
    ]));
    assert_eq!(records.len(), 1);
    assert!(records[0].event.is_ok());
}
