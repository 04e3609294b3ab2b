//! Throughput of the core paths, on the in-memory stores (no network), printed as figures.
//! `cargo bench -p stream-consumer --bench throughput`. Results: docs/performance.md.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use event_sourcing::aggregate::fold;
use event_sourcing::projection::{Consumer, InMemoryProjectionStore};
use event_sourcing::store::{EventStore, InMemoryEventStore};
use event_sourcing::trace::TraceContext;
use event_sourcing::{EventEnvelope, NewEvent, PendingAppend, StreamId};
use http_api::registry::Registry;
use lambda_host::testing::TestApi;
use serde_json::json;

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

/// One route's workload: the path and body of its i-th request.
struct Workload {
    method: &'static str,
    route: &'static str,
    request: fn(usize) -> (String, Option<serde_json::Value>),
}

/// Requests per route for the warm, in-process figures.
const CALLS: usize = 2_000;

/// Every route of every function, each called `CALLS` times through the Lambdas' own dispatch
/// and routing (in-memory event, projection and key stores), in an order where each finds the
/// records it needs: these are warm Lambda requests minus DynamoDB's round trips.
fn every_route(runtime: &tokio::runtime::Runtime) {
    let api = TestApi::in_memory(stream_consumer::registries());
    let workloads = [
        Workload {
            method: "POST",
            route: "/api/clients",
            request: |i| {
                (
                    "/api/clients".into(),
                    Some(json!({ "clientId": format!("k{i}"), "name": "Acme" })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/contacts",
            request: |i| {
                (
                    "/api/contacts".into(),
                    Some(
                        json!({ "contactId": format!("c{i}"), "name": "Ada", "email": format!("ada{i}@example.com") }),
                    ),
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/contacts/{id}",
            request: |i| (format!("/api/contacts/c{i}"), None),
        },
        Workload {
            method: "PATCH",
            route: "/api/contacts/{id}",
            request: |i| {
                (
                    format!("/api/contacts/c{i}"),
                    Some(json!({ "name": "Ada B" })),
                )
            },
        },
        Workload {
            method: "PUT",
            route: "/api/contacts/{id}",
            request: |i| {
                (
                    format!("/api/contacts/c{i}"),
                    Some(json!({ "name": "Ada C", "email": format!("ada{i}@example.com") })),
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/clients/{id}",
            request: |i| (format!("/api/clients/k{i}"), None),
        },
        Workload {
            method: "PATCH",
            route: "/api/clients/{id}",
            request: |i| {
                (
                    format!("/api/clients/k{i}"),
                    Some(json!({ "name": "Acme B" })),
                )
            },
        },
        Workload {
            method: "PUT",
            route: "/api/clients/{id}",
            request: |i| {
                (
                    format!("/api/clients/k{i}"),
                    Some(json!({ "name": "Acme C" })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/clients/{id}/contacts",
            request: |i| {
                (
                    format!("/api/clients/k{i}/contacts"),
                    Some(json!({ "contactId": format!("c{i}") })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/cases",
            request: |i| {
                (
                    "/api/cases".into(),
                    Some(
                        json!({ "caseId": format!("s{i}"), "clientId": format!("k{i}"), "description": "The printer is down", "openedAt": "2026-11-01T10:00:00Z" }),
                    ),
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/cases/{id}",
            request: |i| (format!("/api/cases/s{i}"), None),
        },
        Workload {
            method: "POST",
            route: "/api/cases/{id}/interactions",
            request: |i| {
                (
                    format!("/api/cases/s{i}/interactions"),
                    Some(
                        json!({ "description": "Called back", "interactionDate": "2026-11-02T10:00:00Z", "type": "call", "contactId": format!("c{i}") }),
                    ),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/pipelines",
            request: |i| {
                (
                    "/api/pipelines".into(),
                    Some(
                        json!({ "pipelineId": format!("p{i}"), "name": "Sales", "stages": [
                        { "stageId": "qualify", "label": "Qualify", "probability": 20 },
                        { "stageId": "propose", "label": "Propose", "probability": 60 },
                        { "stageId": "won", "label": "Won", "probability": 100, "outcome": "won" },
                        { "stageId": "lost", "label": "Lost", "probability": 0, "outcome": "lost" },
                    ] }),
                    ),
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/pipelines/{id}",
            request: |i| (format!("/api/pipelines/p{i}"), None),
        },
        Workload {
            method: "POST",
            route: "/api/pipelines/{id}/stages",
            request: |i| {
                (
                    format!("/api/pipelines/p{i}/stages"),
                    Some(json!({ "stageId": "demo", "label": "Demo", "probability": 40 })),
                )
            },
        },
        Workload {
            method: "PATCH",
            route: "/api/pipelines/{id}/stages/{stageId}",
            request: |i| {
                (
                    format!("/api/pipelines/p{i}/stages/demo"),
                    Some(json!({ "probability": 45 })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/pipelines/{id}/stages/{stageId}/archive",
            request: |i| (format!("/api/pipelines/p{i}/stages/demo/archive"), None),
        },
        Workload {
            method: "GET",
            route: "/api/pipelines/{id}/history",
            request: |i| (format!("/api/pipelines/p{i}/history"), None),
        },
        Workload {
            method: "POST",
            route: "/api/opportunities",
            request: |i| {
                (
                    "/api/opportunities".into(),
                    Some(json!({ "opportunityId": format!("o{i}"), "name": "Renewal",
                        "clientId": format!("k{i}"), "pipelineId": format!("p{i}"),
                        "amount": "12500.00", "currency": "EUR", "closeDate": "2027-03-31",
                        "ownerId": "u1", "contacts": [{ "contactId": format!("c{i}"), "role": "Sponsor" }] })),
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/opportunities/{id}",
            request: |i| (format!("/api/opportunities/o{i}"), None),
        },
        Workload {
            method: "PATCH",
            route: "/api/opportunities/{id}",
            request: |i| {
                (
                    format!("/api/opportunities/o{i}"),
                    Some(json!({ "amount": "14000.50", "closeDate": "2027-04-30" })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/opportunities/{id}/stage",
            request: |i| {
                (
                    format!("/api/opportunities/o{i}/stage"),
                    Some(json!({ "stageId": "propose" })),
                )
            },
        },
        Workload {
            method: "DELETE",
            route: "/api/opportunities/{id}/contacts/{contactId}",
            request: |i| (format!("/api/opportunities/o{i}/contacts/c{i}"), None),
        },
        Workload {
            method: "POST",
            route: "/api/opportunities/{id}/contacts",
            request: |i| {
                (
                    format!("/api/opportunities/o{i}/contacts"),
                    Some(json!({ "contactId": format!("c{i}"), "role": "Buyer" })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/opportunities/{id}/lost",
            request: |i| {
                (
                    format!("/api/opportunities/o{i}/lost"),
                    Some(json!({ "reason": "No budget" })),
                )
            },
        },
        Workload {
            method: "POST",
            route: "/api/opportunities/{id}/reopen",
            request: |i| (format!("/api/opportunities/o{i}/reopen"), None),
        },
        Workload {
            method: "POST",
            route: "/api/opportunities/{id}/won",
            request: |i| (format!("/api/opportunities/o{i}/won"), None),
        },
        Workload {
            method: "GET",
            route: "/api/opportunities/{id}/history",
            request: |i| (format!("/api/opportunities/o{i}/history"), None),
        },
        Workload {
            method: "GET",
            route: "/api/contacts/{id}/history",
            request: |i| (format!("/api/contacts/c{i}/history"), None),
        },
        Workload {
            method: "GET",
            route: "/api/clients/{id}/history",
            request: |i| (format!("/api/clients/k{i}/history"), None),
        },
        Workload {
            method: "GET",
            route: "/api/cases/{id}/history",
            request: |i| (format!("/api/cases/s{i}/history"), None),
        },
        Workload {
            method: "GET",
            route: "/api/contacts/{id}/export",
            request: |i| (format!("/api/contacts/c{i}/export"), None),
        },
        Workload {
            method: "GET",
            route: "/api/contacts",
            request: |i| (format!("/api/contacts?email=ada{i}@example.com"), None),
        },
        Workload {
            method: "GET",
            route: "/api/clients",
            request: |_| ("/api/clients?limit=20".into(), None),
        },
        Workload {
            method: "GET",
            route: "/api/cases/open",
            request: |_| ("/api/cases/open?limit=20".into(), None),
        },
        Workload {
            method: "GET",
            route: "/api/pipelines",
            request: |_| ("/api/pipelines?limit=20".into(), None),
        },
        Workload {
            method: "GET",
            route: "/api/opportunities",
            request: |i| (format!("/api/opportunities?clientId=k{i}&status=all"), None),
        },
        Workload {
            method: "GET",
            route: "/api/pipelines/{id}/summary",
            request: |i| {
                (
                    format!("/api/pipelines/p{i}/summary?asOf=2099-06-15T12:30:30.500Z"),
                    None,
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/pipelines/{id}/forecast",
            request: |i| {
                (
                    format!("/api/pipelines/p{i}/forecast?from=2027-01-01&to=2027-12-31"),
                    None,
                )
            },
        },
        Workload {
            method: "GET",
            route: "/api/pipelines/{id}/velocity",
            request: |i| (format!("/api/pipelines/p{i}/velocity"), None),
        },
        Workload {
            method: "POST",
            route: "/api/cases/{id}/close",
            request: |i| {
                (
                    format!("/api/cases/s{i}/close"),
                    Some(
                        json!({ "closedAt": "2026-11-03T10:00:00Z", "resolution": "Replaced the toner" }),
                    ),
                )
            },
        },
        Workload {
            method: "DELETE",
            route: "/api/clients/{id}/contacts/{contactId}",
            request: |i| (format!("/api/clients/k{i}/contacts/c{i}"), None),
        },
        Workload {
            method: "DELETE",
            route: "/api/contacts/{id}",
            request: |i| (format!("/api/contacts/c{i}"), None),
        },
        Workload {
            method: "POST",
            route: "/api/contacts/{id}/erase",
            request: |i| (format!("/api/contacts/c{i}/erase"), None),
        },
    ];
    let routes = Registry::merge(stream_consumer::registries()).routes();
    let missing: Vec<String> = routes
        .iter()
        .filter(|r| {
            !workloads
                .iter()
                .any(|w| w.method == r.method && w.route == r.path)
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(missing.is_empty(), "routes without a workload: {missing:?}");
    let mut projected = false;
    for workload in &workloads {
        if workload.method == "GET" && !workload.route.contains('{') && !projected {
            // The lists read the read models: build them from the stream first.
            project(runtime, &api);
            projected = true;
        }
        let function = routes
            .iter()
            .find(|r| r.method == workload.method && r.path == workload.route)
            .map_or("?", |r| r.function);
        let mut status = 0;
        measure(
            &format!("{function:<20} {} {}", workload.method, workload.route),
            CALLS,
            "request",
            || {
                runtime.block_on(async {
                    for i in 0..CALLS {
                        let (path, body) = (workload.request)(i);
                        let response = api.call(workload.method, &path, body).await;
                        status = response.status().as_u16();
                        assert!(
                            response.status().is_success(),
                            "{} {path}: {status} {:?}",
                            workload.method,
                            response.body()
                        );
                    }
                })
            },
        );
    }
}

/// Runs the stream consumer over every event stored so far.
fn project(runtime: &tokio::runtime::Runtime, api: &TestApi) {
    let consumer = stream_consumer::consumer(api.views.clone(), api.app.store.clone());
    let events = api.store.all_events();
    runtime.block_on(async {
        for (n, chunk) in events.chunks(100).enumerate() {
            let records = stream_consumer::records_of(&format!("{n}-"), chunk);
            assert!(consumer.process(records).await.failed.is_empty());
        }
    });
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

    every_route(&runtime);

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
    let records = |events: &[EventEnvelope]| stream_consumer::records_of("", events);
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
