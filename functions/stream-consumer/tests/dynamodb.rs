//! The consumer and the list queries against DynamoDB (moto): conditional writes, counters in
//! transactions, sparse indexes, and pagination while items are being inserted.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::json;
use shared::projection::{query, Index, ItemKey, ProjectionStore};
use shared::store::EventStore;
use shared::testing::{fresh_dynamo_projection_store, fresh_dynamo_store, RequestCounter};
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

fn contact(id: &str, name: &str) -> shared::EventEnvelope {
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
    let records = history
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect::<Vec<_>>();
    let response = handle(&consumer, stream_event(records.clone())).await;
    assert!(response.batch_item_failures.is_empty());
    let writes = counter
        .operations()
        .iter()
        .filter(|o| *o == "UpdateItem")
        .count();
    assert_eq!(
        writes,
        2,
        "two items touched, two writes: {:?}",
        counter.operations()
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
    assert!(
        counter.operations().iter().all(|o| o == "GetItem"),
        "{:?}",
        counter.operations()
    );
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
    let page = query::page(
        views.as_ref(),
        Index::Lookup,
        &["client#k1#openCases".to_owned()],
        10,
        None,
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

    let partitions = query::list_partitions("contacts");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = query::page(
            views.as_ref(),
            Index::List,
            &partitions,
            10,
            cursor.as_deref(),
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
async fn rebuild_replays_the_event_store_into_fresh_projections() {
    let (events, _) = fresh_dynamo_store().await;
    let counter = RequestCounter::default();
    let views = Arc::new(fresh_dynamo_projection_store(&counter).await);
    let history = vec![
        client_created("k1", "Acme"),
        contact("c1", "Ada"),
        envelope(
            "case",
            "s1",
            1,
            "CaseCreated",
            json!({ "caseId": "s1", "clientId": "k1", "description": "x", "openedAt": "2026-01-01T09:00:00Z" }),
        ),
    ];
    events.append(&history).await.unwrap();
    // Damage: a stale, wrong item, and a counter off by 41.
    views
        .write(shared::projection::ViewWrite {
            key: ItemKey::new("contact#c1", "summary"),
            expected_version: 0,
            new_version: 9,
            view: Some(json!({ "contactId": "c1", "name": "WRONG", "email": "x@example.com", "phone": null, "clients": [] })),
            index: vec![],
            counters: vec![shared::projection::CounterDelta { key: ItemKey::new("client#k1", "summary"), counter: "openCaseCount", delta: 42 }],
        })
        .await
        .unwrap();
    let (replayed, writes) = stream_consumer::rebuild(&events, views.clone())
        .await
        .unwrap();
    assert_eq!((replayed, writes), (3, 3));
    let contact = views
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
    let client = views
        .get(&ItemKey::new("client#k1", "summary"))
        .await
        .unwrap();
    assert_eq!(client.counters["openCaseCount"], 1);
    let listed = query::page(
        views.as_ref(),
        Index::List,
        &query::list_partitions("contacts"),
        10,
        None,
    )
    .await
    .unwrap();
    assert_eq!(listed.items.len(), 1);
}
