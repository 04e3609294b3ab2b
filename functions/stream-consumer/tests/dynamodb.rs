//! The consumer and the list queries against DynamoDB (moto): conditional writes, counters in
//! transactions, sparse indexes, and pagination while items are being inserted.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crypto_shredding::InMemoryKeyStore;
use dynamodb_adapters::testing::{
    fresh_dynamo_projection_store, fresh_dynamo_store, RequestCounter,
};
use dynamodb_adapters::Generations;
use event_sourcing::projection::{Index, ItemKey, ProjectionStore};
use event_sourcing::store::EventStore;
use http_api::paging;
use http_api::paging::CursorKey;
use serde_json::json;
use stream_consumer::{consumer, handle};
use support::{
    client_created, contact_created, contact_edited, envelope, insert_record, stream_event,
};

async fn stores() -> (
    Arc<dyn EventStore>,
    Arc<dyn ProjectionStore>,
    RequestCounter,
) {
    let (events, _) = fresh_dynamo_store().await;
    let counter = RequestCounter::default();
    let views = fresh_dynamo_projection_store(&counter).await;
    counter.reset();
    (Arc::new(events), Arc::new(views), counter)
}

/// Each event's INSERT record, numbered in order.
fn records_of(history: &[event_sourcing::EventEnvelope]) -> Vec<serde_json::Value> {
    history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect()
}

fn contact(id: &str, name: &str) -> event_sourcing::EventEnvelope {
    contact_created(id, name, &format!("{id}@example.com"))
}

#[tokio::test]
async fn each_touched_item_is_written_once_per_batch() {
    let (events, views, counter) = stores().await;
    let history = vec![
        contact("c1", "Ada"),
        contact_edited("c1", 2, "Ada L", "ada@example.com"),
        contact_edited("c1", 3, "Ada Lovelace", "ada@example.com"),
        contact("c2", "Bea"),
    ];
    events.append(&history).await.unwrap();
    let consumer = consumer(views.clone(), events);
    let records = records_of(&history);
    let response = handle(&consumer, stream_event(records.clone())).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(
        counter.operations(),
        ["GetItem", "BatchGetItem", "UpdateItem", "UpdateItem"],
        "the generation pointer, both items in one read, one write each"
    );
    let stored = views
        .get(&ItemKey::new("contact#c1", "summary"))
        .await
        .unwrap();
    assert_eq!(
        (stored.source_version, stored.view.unwrap()["name"].clone()),
        (3, json!("Ada Lovelace"))
    );

    // A redelivery reads and writes nothing new.
    counter.reset();
    handle(&consumer, stream_event(records)).await;
    assert_eq!(counter.operations(), ["GetItem", "BatchGetItem"]);
}

/// The items of a batch are read 100 to a request (BatchGetItem's limit), not one by one.
#[tokio::test]
async fn a_batch_reads_its_items_in_requests_of_a_hundred() {
    let (events, views, counter) = stores().await;
    let history: Vec<_> = (0..150)
        .map(|i| contact(&format!("c{i:03}"), &format!("P{i}")))
        .collect();
    for chunk in history.chunks(100) {
        events.append(chunk).await.unwrap();
    }
    let consumer = consumer(views.clone(), events);
    let records = records_of(&history);
    counter.reset();
    let response = handle(&consumer, stream_event(records)).await;
    assert!(response.batch_item_failures.is_empty());
    let count = |name: &str| counter.operations().iter().filter(|o| *o == name).count();
    assert_eq!(
        (count("BatchGetItem"), count("GetItem"), count("UpdateItem")),
        (2, 1, 150)
    );
    let last = views
        .get(&ItemKey::new("contact#c149", "summary"))
        .await
        .unwrap();
    assert_eq!(last.view.unwrap()["name"], "P149");
}

/// What a full batch of 100 records costs, by how many projection items its records touch
/// (`cargo xtask bench` prints these lines): one read of the generation pointer, one
/// `BatchGetItem` of the items, one write per item, however many records each item had.
#[tokio::test]
async fn a_hundred_record_batch_costs_one_read_and_a_write_per_item() {
    for (items, events_per_item) in [(100, 1), (20, 5), (1, 100)] {
        let (events, views, counter) = stores().await;
        let history: Vec<_> = (0..items)
            .flat_map(|i| {
                let id = format!("c{i:03}");
                let mut stream = vec![contact(&id, "Ada")];
                stream.extend((2..=events_per_item).map(|v| {
                    contact_edited(&id, v as u64, &format!("Ada {v}"), "ada@example.com")
                }));
                stream
            })
            .collect();
        assert_eq!(history.len(), 100);
        events.append(&history).await.unwrap();
        let consumer = consumer(views.clone(), events);
        counter.reset();
        let response = handle(&consumer, stream_event(records_of(&history))).await;
        assert!(response.batch_item_failures.is_empty());
        let operations = counter.operations();
        let count = |name: &str| operations.iter().filter(|o| *o == name).count();
        assert_eq!(
            (count("GetItem"), count("BatchGetItem"), count("UpdateItem")),
            (1, 1, items),
            "{operations:?}"
        );
        let capacity = counter.capacity();
        println!(
            "| 100 records on {items} item(s) | {} requests: 1 GetItem + 1 BatchGetItem + {items} UpdateItem | {} RCU, {} WCU |",
            operations.len(),
            capacity.read_units,
            capacity.write_units
        );
    }
}

#[tokio::test]
async fn open_case_counts_move_in_the_same_transaction_and_closed_cases_leave_the_index() {
    let (events, views, counter) = stores().await;
    let case =
        |id: &str, version, event_type, payload| envelope("case", id, version, event_type, payload);
    let history = vec![
        client_created("k1", "Acme"),
        case(
            "s1",
            1,
            "CaseCreated",
            json!({ "caseId": "s1", "clientId": "k1", "description": "x", "openedAt": "2026-01-01T09:00:00Z" }),
        ),
        case(
            "s2",
            1,
            "CaseCreated",
            json!({ "caseId": "s2", "clientId": "k1", "description": "y", "openedAt": "2026-01-02T09:00:00Z" }),
        ),
        case(
            "s1",
            2,
            "CaseClosed",
            json!({ "caseId": "s1", "closedAt": "2026-01-03T09:00:00Z" }),
        ),
    ];
    events.append(&history).await.unwrap();
    let consumer = consumer(views.clone(), events);
    for (i, event) in history.iter().enumerate() {
        handle(
            &consumer,
            stream_event(vec![insert_record(event, i as u64)]),
        )
        .await;
    }
    assert!(counter
        .operations()
        .iter()
        .any(|o| o == "TransactWriteItems"));
    let client = views
        .get(&ItemKey::new("client#k1", "summary"))
        .await
        .unwrap();
    assert_eq!(client.counters["openCaseCount"], 1);
    assert_eq!(client.view.unwrap()["name"], "Acme");
    let page = paging::page(
        views.as_ref(),
        Index::Lookup,
        &["client#k1#openCases".to_owned()],
        None,
        10,
        None,
        &CursorKey::random(),
    )
    .await
    .unwrap();
    let open: Vec<_> = page.items.iter().map(|(key, _)| key.pk.as_str()).collect();
    assert_eq!(open, ["case#s2"]);
}

#[tokio::test]
async fn pages_return_every_item_once_while_items_are_inserted() {
    let (events, views, _) = stores().await;
    let consumer = Arc::new(consumer(views.clone(), events.clone()));
    let mut sequence = 0;
    let mut insert = |ids: Vec<String>| {
        let batch: Vec<_> = ids
            .iter()
            .map(|id| contact(id, &format!("Person {id}")))
            .collect();
        let records: Vec<_> = batch
            .iter()
            .map(|e| {
                sequence += 1;
                insert_record(e, sequence)
            })
            .collect();
        (batch, stream_event(records))
    };
    let original: BTreeSet<String> = (0..57).map(|i| format!("c{i:03}")).collect();
    let (batch, event) = insert(original.iter().cloned().collect());
    events.append(&batch).await.unwrap();
    assert!(handle(&consumer, event)
        .await
        .batch_item_failures
        .is_empty());

    let partitions = paging::list_partitions("contacts");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    let key = CursorKey::random();
    loop {
        let page = paging::page(
            views.as_ref(),
            Index::List,
            &partitions,
            None,
            10,
            cursor.as_deref(),
            &key,
        )
        .await
        .unwrap();
        assert!(page.items.len() <= 10);
        seen.extend(
            page.items
                .iter()
                .map(|(key, _)| key.pk.trim_start_matches("contact#").to_owned()),
        );
        pages += 1;
        // Others keep adding contacts between our pages.
        let (batch, event) = insert((0..4).map(|i| format!("n{pages:02}{i}")).collect());
        events.append(&batch).await.unwrap();
        handle(&consumer, event).await;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 100, "pagination does not end");
    }
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "an item came twice");
    assert!(
        original.is_subset(&unique),
        "missing: {:?}",
        original.difference(&unique).collect::<Vec<_>>()
    );
    let mut sorted = seen.clone();
    sorted.sort_by_key(|id| format!("person {id}#{id}"));
    assert_eq!(seen, sorted, "pages are in name order");
}

#[tokio::test]
async fn rebuild_replays_the_event_store_into_a_new_generation_and_removes_the_old() {
    let (events, _) = fresh_dynamo_store().await;
    let counter = RequestCounter::default();
    let views = fresh_dynamo_projection_store(&counter).await;
    let history = vec![
        client_created("k1", "Acme"),
        contact("c1", "Ada"),
        case_opened("s1", "k1"),
    ];
    events.append(&history).await.unwrap();
    // Damage in the live generation: a stale, wrong item, and a counter off by 41.
    views
        .write(event_sourcing::projection::ViewWrite {
            key: ItemKey::new("contact#c1", "summary"),
            expected_version: 0,
            new_version: 9,
            view: Some(json!({ "contactId": "c1", "name": "WRONG", "email": "x@example.com", "phone": null, "clients": [] })),
            index: vec![],
            counters: vec![event_sourcing::projection::CounterDelta::new(ItemKey::new("client#k1", "summary"), "openCaseCount", 42)],
        })
        .await
        .unwrap();
    let rebuilt = stream_consumer::rebuild(
        &events,
        Arc::new(InMemoryKeyStore::new()),
        &views,
        Duration::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(
        rebuilt,
        stream_consumer::Rebuilt {
            generation: 1,
            replayed: 3,
            // The client's and the contact's summaries; the case's summary, its assignee-queue
            // item, its two clocks' due items and its SLA standing.
            writes: 7,
            removed: 2
        }
    );
    assert_eq!(
        views.generations().await.unwrap(),
        Generations {
            live: 1,
            building: None
        }
    );
    // A reader that follows the pointer afresh sees the new generation.
    let reader = views.live();
    let contact = reader
        .get(&ItemKey::new("contact#c1", "summary"))
        .await
        .unwrap();
    assert_eq!(
        (
            contact.source_version,
            contact.view.unwrap()["name"].clone()
        ),
        (1, json!("Ada"))
    );
    let client = reader
        .get(&ItemKey::new("client#k1", "summary"))
        .await
        .unwrap();
    assert_eq!(client.counters["openCaseCount"], 1);
    let listed = paging::page(
        &reader,
        Index::List,
        &paging::list_partitions("contacts"),
        None,
        10,
        None,
        &CursorKey::random(),
    )
    .await
    .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].0, ItemKey::new("contact#c1", "summary"));
    // The old generation is gone.
    let old = views
        .at(0)
        .get(&ItemKey::new("contact#c1", "summary"))
        .await
        .unwrap();
    assert_eq!(old, event_sourcing::projection::StoredView::default());
}

fn case_opened(id: &str, client: &str) -> event_sourcing::EventEnvelope {
    envelope(
        "case",
        id,
        1,
        "CaseCreated",
        json!({ "caseId": id, "clientId": client, "description": "x", "openedAt": "2026-01-01T09:00:00Z" }),
    )
}

fn case_closed(id: &str) -> event_sourcing::EventEnvelope {
    envelope(
        "case",
        id,
        2,
        "CaseClosed",
        json!({ "caseId": id, "closedAt": "2026-01-02T09:00:00Z" }),
    )
}

/// Cases open and close while a rebuild runs beside the consumer: the new generation ends
/// equal to a fresh fold, every counter moved exactly once. (Clearing the live items and
/// replaying into them, as rebuild once did, moved the client's open-case count twice.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rebuild_while_the_consumer_runs_counts_every_case_once() {
    let (events, _) = fresh_dynamo_store().await;
    let views = fresh_dynamo_projection_store(&RequestCounter::default()).await;
    let mut history = vec![client_created("k1", "Acme")];
    history.extend((0..10).map(|i| case_opened(&format!("early{i}"), "k1")));
    events.append(&history).await.unwrap();
    let live = consumer(Arc::new(views.clone()), Arc::new(events.clone()));
    let batch = |events: &[event_sourcing::EventEnvelope], from: u64| {
        stream_event(
            events
                .iter()
                .enumerate()
                .map(|(i, e)| insert_record(e, from + i as u64))
                .collect(),
        )
    };
    assert!(handle(&live, batch(&history, 0))
        .await
        .batch_item_failures
        .is_empty());

    let rebuilding = {
        let (events, views) = (events.clone(), views.clone());
        tokio::spawn(async move {
            stream_consumer::rebuild(
                &events,
                Arc::new(InMemoryKeyStore::new()),
                &views,
                Duration::ZERO,
            )
            .await
        })
    };
    // Meanwhile: half the early cases close, new ones open, each delivered as it commits.
    for i in 0..10u64 {
        let change = if i % 2 == 0 {
            case_closed(&format!("early{i}"))
        } else {
            case_opened(&format!("late{i}"), "k1")
        };
        events.append(std::slice::from_ref(&change)).await.unwrap();
        history.push(change.clone());
        let response = handle(&live, batch(&[change], 100 + i)).await;
        assert!(response.batch_item_failures.is_empty());
    }
    let rebuilt = rebuilding.await.unwrap().unwrap();
    assert_eq!(views.generations().await.unwrap().live, rebuilt.generation);

    // What a fresh in-order fold of everything gives.
    let expected = Arc::new(event_sourcing::projection::InMemoryProjectionStore::new());
    let fresh = consumer(expected.clone(), Arc::new(events.clone()));
    assert!(fresh
        .process(
            history
                .iter()
                .enumerate()
                .map(|(i, e)| event_sourcing::projection::IncomingRecord {
                    sequence_number: i.to_string(),
                    event: Ok(e.clone()),
                })
                .collect()
        )
        .await
        .failed
        .is_empty());
    let reader = views.live();
    for (key, stored) in expected.snapshot() {
        assert_eq!(reader.get(&key).await.unwrap(), stored, "{key:?}");
    }
    let client = reader
        .get(&ItemKey::new("client#k1", "summary"))
        .await
        .unwrap();
    assert_eq!(
        client.counters["openCaseCount"], 10,
        "10 early - 5 closed + 5 late"
    );
}
