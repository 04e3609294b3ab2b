//! A case's cost does not grow with its stream. On DynamoDB (moto), reading a case and adding
//! interactions to it make the same requests on a 1,000-event stream as on a 1-event one, and
//! consume at most twice the capacity of a 100-event one (the shortest with a snapshot): a
//! command stores a snapshot every `SNAPSHOT_EVERY` events, and a read is one Query of the
//! stream's end. Capacity is metered by DynamoDB's
//! rules (`dynamodb_adapters::testing::Capacity`). `cargo xtask bench` runs this with 10,000 events too
//! (`LONG_STREAM_LENGTHS`), and prints each row.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use case::add_interaction::InteractionAdded;
use case::case::{CaseEvent, InteractionType};
use dynamodb_adapters::testing::{fresh_dynamo_store, Capacity, RequestCounter};
use dynamodb_adapters::DynamoEventStore;
use event_sourcing::store::SNAPSHOT_EVERY;
use event_sourcing::trace::TraceContext;
use event_sourcing::{EventStore, NewEvent, PendingAppend, StreamId, WriteMode};
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::json;

const OPENED: &str = "2026-01-01T09:00:00Z";

/// What one step cost: its DynamoDB requests (sorted: when in a run of commands the snapshot
/// falls depends on where the run starts), and their capacity.
#[derive(Debug)]
struct Cost {
    operations: Vec<String>,
    capacity: Capacity,
}

impl Cost {
    fn of(counter: &RequestCounter) -> Self {
        Self {
            operations: {
                let mut operations = counter.operations();
                operations.sort();
                operations
            },
            capacity: counter.capacity(),
        }
    }
}

/// A case whose stream holds `length` events: created through the API, then interactions
/// appended straight to the store (as a stream from before snapshots would be), then one
/// command through the API, which finds no snapshot, reads the whole stream once and stores
/// one.
async fn case_of_length(api: &TestApi<DynamoEventStore>, length: usize) -> String {
    let id = format!("long-{length}");
    let created = api
        .call(
            "POST",
            "/api/cases",
            Some(json!({ "caseId": id, "clientId": "k1", "description": "Printer on fire", "openedAt": OPENED })),
        )
        .await;
    assert_eq!(created.status(), 201, "{:?}", created.body());
    let stream = StreamId::new("case", &id);
    let trace = TraceContext::from_hints(&Default::default(), time::OffsetDateTime::now_utc());
    let mut version = 1;
    let target = length.saturating_sub(1) as u64;
    while version < target {
        let count = (target - version).min(100);
        let events = (0..count)
            .map(|n| {
                NewEvent::from_domain(&CaseEvent::InteractionAdded(InteractionAdded {
                    case_id: id.clone(),
                    interaction_id: format!("seeded-{}", version + n),
                    description: "Called about the printer; it is still on fire".into(),
                    interaction_date: time::macros::datetime!(2026-01-02 10:00 UTC),
                    kind: InteractionType::Call,
                    direction: case::case::Direction::Outbound,
                    contact_id: None,
                }))
                .unwrap()
            })
            .collect();
        let append = PendingAppend {
            stream: stream.clone(),
            expected_version: version,
            events,
            snapshot: None,
        };
        api.store
            .append(&append.into_envelopes(&trace, time::OffsetDateTime::now_utc(), None))
            .await
            .unwrap();
        version += count;
    }
    if length > 1 {
        assert_eq!(add_interaction(api, &id).await, 201);
    }
    id
}

async fn add_interaction(api: &TestApi<DynamoEventStore>, id: &str) -> u16 {
    let note = json!({ "description": "Called again", "type": "call", "interactionDate": "2026-01-03T10:00:00Z" });
    let path = format!("/api/cases/{id}/interactions");
    api.call("POST", &path, Some(note)).await.status().as_u16()
}

/// What a GET of the case, a page of its history (its latest events: where its earlier
/// interactions are), then `SNAPSHOT_EVERY` interactions in a row, cost.
async fn costs(api: &TestApi<DynamoEventStore>, counter: &RequestCounter, id: &str) -> [Cost; 3] {
    counter.reset();
    let got = api.call("GET", &format!("/api/cases/{id}"), None).await;
    assert_eq!(got.status(), 200);
    assert!(body_json(&got)["interactions"].as_array().unwrap().len() <= 20);
    let read = Cost::of(counter);
    counter.reset();
    let path = format!("/api/cases/{id}/history?order=desc&limit=20");
    assert_eq!(api.call("GET", &path, None).await.status(), 200);
    let history = Cost::of(counter);
    counter.reset();
    for _ in 0..SNAPSHOT_EVERY {
        assert_eq!(add_interaction(api, id).await, 201);
    }
    [read, history, Cost::of(counter)]
}

fn lengths() -> Vec<usize> {
    std::env::var("LONG_STREAM_LENGTHS")
        .unwrap_or_else(|_| "1,100,1000".into())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("LONG_STREAM_LENGTHS: numbers, comma-separated")
        })
        .collect()
}

#[tokio::test]
async fn reads_and_commands_cost_the_same_however_long_the_stream() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (store, counter) = fresh_dynamo_store().await;
        let api = TestApi::on(
            [contact::registry(), client::registry(), case::registry()],
            Arc::new(store),
            mode,
        );
        let client = json!({ "clientId": "k1", "name": "Acme" });
        api.call_expecting(201, "POST", "/api/clients", Some(client))
            .await;
        let mut rows = Vec::new();
        for length in lengths() {
            let id = case_of_length(&api, length).await;
            let [read, history, commands] = costs(&api, &counter, &id).await;
            // What every read cost before snapshots: the whole stream.
            counter.reset();
            api.store.load(&StreamId::new("case", &id)).await.unwrap();
            let whole = Cost::of(&counter);
            println!(
                "| {mode:?} | {length} | {} Query ({} RCU) | {} ({} RCU) | {} ({} RCU) | {} requests ({} RCU, {} WCU) |",
                whole.operations.len(),
                whole.capacity.read_units,
                read.operations.join(" + "),
                read.capacity.read_units,
                history.operations.join(" + "),
                history.capacity.read_units,
                commands.operations.len(),
                commands.capacity.read_units,
                commands.capacity.write_units,
            );
            rows.push((length, read, history, commands));
        }
        let (_, short_read, short_history, short_commands) = &rows[0];
        for (length, read, history, commands) in &rows[1..] {
            assert_eq!(
                read.operations, short_read.operations,
                "GET, {length} events, {mode:?}"
            );
            // A page's capacity is its events', whatever the stream's length; the short
            // stream's page is shorter, so only the requests are compared.
            assert_eq!(
                history.operations, short_history.operations,
                "history, {length} events, {mode:?}"
            );
            assert_eq!(
                commands.operations, short_commands.operations,
                "commands, {length} events, {mode:?}"
            );
        }
        // Capacity against the shortest stream that has a snapshot: from there on a read is
        // the snapshot and at most `SNAPSHOT_EVERY` events, whatever the length (a one-event
        // stream is smaller than any snapshot of a case with its latest interactions).
        let with_snapshot = rows
            .iter()
            .find(|(length, ..)| *length as u64 >= 2 * SNAPSHOT_EVERY)
            .expect("a length with a snapshot (LONG_STREAM_LENGTHS)");
        let (_, base_read, _, base_commands) = with_snapshot;
        for (length, read, _, commands) in rows.iter().filter(|(l, ..)| *l >= with_snapshot.0) {
            assert!(
                read.capacity.read_units <= 2 * base_read.capacity.read_units,
                "GET, {length} events, {mode:?}: {read:?} against {base_read:?}"
            );
            assert!(
                commands.capacity.read_units <= 2 * base_commands.capacity.read_units
                    && commands.capacity.write_units <= 2 * base_commands.capacity.write_units,
                "commands, {length} events, {mode:?}: {commands:?} against {base_commands:?}"
            );
        }
    }
}
