//! The consumer with built stream events, on the in-memory stores: idempotence, order, gaps,
//! poison records and coalescing.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use event_sourcing::projection::{InMemoryProjectionStore, ItemKey};
use event_sourcing::store::{EventStore, InMemoryEventStore};
use serde_json::json;
use stream_consumer::{consumer, handle};
use support::{
    client_created, contact_created, contact_edited, envelope, insert_record, stream_event,
};

fn contact_history() -> Vec<event_sourcing::EventEnvelope> {
    vec![
        contact_created("c1", "Ada", "ada@example.com"),
        contact_edited("c1", 2, "Ada L", "ada@example.com"),
        envelope(
            "contact",
            "c1",
            3,
            "ContactEdited",
            json!({ "contactId": "c1", "name": "Ada Lovelace", "email": "ada@lovelace.org", "phone": "12345" }),
        ),
    ]
}

async fn stores(
    history: &[event_sourcing::EventEnvelope],
) -> (Arc<InMemoryEventStore>, Arc<InMemoryProjectionStore>) {
    let events = Arc::new(InMemoryEventStore::new());
    events.append(history).await.unwrap();
    (events, Arc::new(InMemoryProjectionStore::new()))
}

fn contact_view(views: &InMemoryProjectionStore) -> (serde_json::Value, u64) {
    let stored = views
        .snapshot()
        .remove(&ItemKey::new("contact#c1", "summary"))
        .expect("contact projected");
    (stored.view.unwrap(), stored.source_version)
}

#[tokio::test]
async fn a_batch_is_coalesced_into_one_write_per_item() {
    let history = contact_history();
    let (events, views) = stores(&history).await;
    let consumer = consumer(views.clone(), events);
    let records = history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    let response = handle(&consumer, stream_event(records)).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(views.writes(), 1, "three events of one item, one write");
    let (view, version) = contact_view(&views);
    assert_eq!(version, 3);
    assert_eq!(view["name"], "Ada Lovelace");
    assert_eq!(view["email"], "ada@lovelace.org");
}

#[tokio::test]
async fn redelivered_and_older_records_change_nothing() {
    let history = contact_history();
    let (events, views) = stores(&history).await;
    let consumer = consumer(views.clone(), events);
    let all: Vec<_> = history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    handle(&consumer, stream_event(all.clone())).await;
    let before = views.snapshot();
    handle(
        &consumer,
        stream_event(vec![all[0].clone(), all[2].clone(), all[1].clone()]),
    )
    .await;
    assert_eq!(views.snapshot(), before);
    assert_eq!(views.writes(), 1, "a redelivery wrote");
}

#[tokio::test]
async fn a_gap_rebuilds_the_item_from_the_event_store() {
    let history = contact_history();
    let (events, views) = stores(&history).await;
    let consumer = consumer(views.clone(), events);
    handle(&consumer, stream_event(vec![insert_record(&history[0], 1)])).await;
    // v2 is late; v3 arrives first.
    let response = handle(&consumer, stream_event(vec![insert_record(&history[2], 3)])).await;
    assert!(response.batch_item_failures.is_empty());
    let (view, version) = contact_view(&views);
    assert_eq!((version, view["name"].as_str()), (3, Some("Ada Lovelace")));
    // The late v2 is then a no-op.
    handle(&consumer, stream_event(vec![insert_record(&history[1], 2)])).await;
    assert_eq!(contact_view(&views).1, 3);
}

#[tokio::test]
async fn a_poison_record_fails_alone() {
    let history = contact_history();
    let (events, views) = stores(&history).await;
    let client = client_created("k1", "Acme");
    events.append(std::slice::from_ref(&client)).await.unwrap();
    let consumer = consumer(views.clone(), events);
    let mut broken = insert_record(&history[0], 7);
    broken["dynamodb"]["NewImage"] =
        json!({ "PK": { "S": "contact#c9" }, "garbage": { "S": "x" } });
    let undecodable = insert_record(
        &envelope("case", "s1", 1, "CaseCreated", json!({ "nonsense": true })),
        8,
    );
    let response = handle(
        &consumer,
        stream_event(vec![
            insert_record(&history[0], 1),
            broken,
            insert_record(&client, 9),
            undecodable,
        ]),
    )
    .await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(failed, [format!("{:021}", 7), format!("{:021}", 8)]);
    let snapshot = views.snapshot();
    assert!(snapshot.contains_key(&ItemKey::new("contact#c1", "summary")));
    assert!(snapshot.contains_key(&ItemKey::new("client#k1", "summary")));
}

#[tokio::test]
async fn non_insert_records_are_ignored() {
    let history = contact_history();
    let (events, views) = stores(&history).await;
    let consumer = consumer(views.clone(), events);
    let mut modify = insert_record(&history[0], 1);
    modify["eventName"] = json!("MODIFY");
    let response = handle(&consumer, stream_event(vec![modify])).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(views.writes(), 0);
}

#[tokio::test]
async fn closing_a_case_moves_its_clients_open_case_count_once() {
    let case = |version, event_type, payload| envelope("case", "s1", version, event_type, payload);
    let history = vec![
        client_created("k1", "Acme"),
        case(
            1,
            "CaseCreated",
            json!({ "caseId": "s1", "clientId": "k1", "description": "x", "openedAt": "2026-01-01T09:00:00Z" }),
        ),
        case(
            2,
            "CaseClosed",
            json!({ "caseId": "s1", "closedAt": "2026-01-02T09:00:00Z" }),
        ),
    ];
    let (events, views) = stores(&history).await;
    let consumer = consumer(views.clone(), events);
    let records: Vec<_> = history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    handle(&consumer, stream_event(records[..2].to_vec())).await;
    let count = |views: &InMemoryProjectionStore| {
        views.snapshot()[&ItemKey::new("client#k1", "summary")].counters["openCaseCount"]
    };
    assert_eq!(count(&views), 1);
    handle(&consumer, stream_event(records.clone())).await;
    handle(&consumer, stream_event(records)).await;
    assert_eq!(count(&views), 0);
}

/// A slice deployed before the consumer writes an event type the consumer does not know yet:
/// the read model skips it, in a batch, alone, or in a rebuild after a gap, and goes on.
#[tokio::test]
async fn an_unknown_event_type_is_skipped_and_never_blocks_the_stream() {
    let history = vec![
        contact_created("c1", "Ada", "ada@example.com"),
        envelope(
            "contact",
            "c1",
            2,
            "ContactNicknamed",
            json!({ "contactId": "c1", "nickname": "Countess" }),
        ),
        contact_edited("c1", 3, "Ada L", "ada@example.com"),
    ];
    let records: Vec<_> = history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    // Whole, one record at a time, and with a gap (the rebuild folds the unknown event too).
    let deliveries = [
        vec![records.clone()],
        records.iter().map(|r| vec![r.clone()]).collect(),
        vec![vec![records[0].clone()], vec![records[2].clone()]],
    ];
    for batches in deliveries {
        let (events, views) = stores(&history).await;
        let consumer = consumer(views.clone(), events);
        let mut skipped = 0;
        for batch in batches {
            let report = consumer
                .process(stream_consumer::parse_records(&stream_event(batch)))
                .await;
            assert!(report.failed.is_empty(), "{report:?}");
            skipped += report.skipped;
        }
        let (view, version) = contact_view(&views);
        assert_eq!((view["name"].as_str(), version), (Some("Ada L"), 3));
        assert!(skipped <= 1);
    }
}
