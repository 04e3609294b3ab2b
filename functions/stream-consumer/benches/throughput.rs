//! Throughput of the core paths, on the in-memory stores (no network), printed as figures.
//! `cargo bench -p stream-consumer --bench throughput`. Results: docs/performance.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use shared::aggregate::fold;
use shared::auth::Scope;
use shared::projection::{Consumer, InMemoryProjectionStore, IncomingRecord};
use shared::runtime::{dispatch, App};
use shared::store::{EventStore, InMemoryEventStore};
use shared::testing::request;
use shared::trace::TraceContext;
use shared::{EventEnvelope, NewEvent, PendingAppend, StreamId, WriteMode};

fn measure(name: &str, operations: usize, unit: &str, run: impl FnOnce()) -> Duration {
    let start = Instant::now();
    run();
    let elapsed = start.elapsed();
    let per_second = operations as f64 / elapsed.as_secs_f64();
    let micros = elapsed.as_secs_f64() * 1e6 / operations as f64;
    println!("{name:<58} {per_second:>12.0} {unit}/s   {micros:>9.2} µs/{unit}");
    elapsed
}

fn contact_history(id: &str, edits: usize) -> Vec<EventEnvelope> {
    let now = time::OffsetDateTime::now_utc();
    let trace = TraceContext::from_hints(&Default::default(), now);
    let mut events = vec![NewEvent {
        event_type: "ContactCreated".into(),
        schema_version: 1,
        payload: json!({ "contactId": id, "name": "Ada", "email": "ada@example.com" }),
        personal: None,
    }];
    for i in 0..edits {
        events.push(NewEvent {
            event_type: "ContactEdited".into(),
            schema_version: 1,
            payload: json!({ "contactId": id, "name": format!("Ada {i}"), "email": "ada@example.com" }),
            personal: None,
        });
    }
    PendingAppend {
        stream: StreamId::new("contact", id),
        expected_version: 0,
        snapshot: None,
        events,
    }
    .into_envelopes(&trace, now, None)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("EventCRM throughput (in-memory stores, one thread, release build)\n");

    // Folding a stream: what every command and GET does after its Query.
    let history = contact_history("c1", 999);
    let rounds = 200;
    measure(
        "fold a 1000-event contact stream (decode + evolve)",
        rounds * history.len(),
        "event",
        || {
            for _ in 0..rounds {
                let loaded = fold::<contact::Contact>(&history).unwrap();
                assert_eq!(loaded.version, 1000);
            }
        },
    );

    // A whole create request through the Lambda dispatch: parse, validate, decide, append.
    let store = Arc::new(InMemoryEventStore::new());
    let app = App::new(
        store.clone(),
        contact::registry().subscribers(),
        WriteMode::Direct,
    );
    let creates = 20_000;
    measure(
        "POST /api/contacts through dispatch (in-memory store)",
        creates,
        "request",
        || {
            runtime.block_on(async {
            for i in 0..creates {
                let body = json!({ "contactId": format!("c{i}"), "name": "Ada", "email": "ada@example.com" }).to_string();
                let response = dispatch(&app, Scope::Write, request("POST", "/api/contacts", Some(&body), &[]), contact::create_contact::handle).await;
                assert_eq!(response.status(), 201);
            }
        })
        },
    );
    let edits = 20_000;
    measure(
        "PATCH /api/contacts/{id} through dispatch (load, decide, append)",
        edits,
        "request",
        || {
            runtime.block_on(async {
                for i in 0..edits {
                    let id = format!("c{}", i % 100);
                    let body = json!({ "name": format!("Ada {i}") }).to_string();
                    let response = dispatch(
                        &app,
                        Scope::Write,
                        request(
                            "PATCH",
                            &format!("/api/contacts/{id}"),
                            Some(&body),
                            &[("id", &id)],
                        ),
                        contact::edit_contact::handle,
                    )
                    .await;
                    assert_eq!(response.status(), 200);
                }
            })
        },
    );

    // The stream consumer: records in, projections out.
    let events: Vec<EventEnvelope> = (0..2_000)
        .flat_map(|i| contact_history(&format!("p{i}"), 4))
        .collect();
    let store = Arc::new(InMemoryEventStore::new());
    runtime.block_on(async {
        for chunk in events.chunks(100) {
            store.append(chunk).await.unwrap();
        }
    });
    let records = |events: &[EventEnvelope]| -> Vec<IncomingRecord> {
        events
            .iter()
            .enumerate()
            .map(|(i, e)| IncomingRecord {
                sequence_number: i.to_string(),
                event: Ok(e.clone()),
            })
            .collect()
    };
    let views = Arc::new(InMemoryProjectionStore::new());
    let consumer = Consumer::new(stream_consumer::projections(), views.clone(), store.clone());
    measure(
        "stream consumer, batches of 100 records (5 events/item)",
        events.len(),
        "record",
        || {
            runtime.block_on(async {
                for chunk in events.chunks(100) {
                    assert!(consumer.process(records(chunk)).await.failed.is_empty());
                }
            })
        },
    );
    println!(
        "{:<58} {:>12} writes for {} records (coalesced)",
        "  projection item writes",
        views.writes(),
        events.len()
    );

    let views = Arc::new(InMemoryProjectionStore::new());
    let consumer = Consumer::new(stream_consumer::projections(), views.clone(), store.clone());
    measure(
        "stream consumer, one record per batch (no coalescing)",
        events.len(),
        "record",
        || {
            runtime.block_on(async {
                for chunk in events.chunks(1) {
                    assert!(consumer.process(records(chunk)).await.failed.is_empty());
                }
            })
        },
    );
    println!(
        "{:<58} {:>12} writes for {} records",
        "  projection item writes",
        views.writes(),
        events.len()
    );
}
