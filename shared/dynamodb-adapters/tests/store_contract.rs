//! One contract, two adapters: every test here runs on the in-memory store and on DynamoDB
//! (moto). The adapters must not differ in anything a caller can see.

// Contract steps run as tests on each adapter (by `on_both_event_stores!`), not as `#[test]`s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use dynamodb_adapters::testing::fresh_dynamo_store;
use event_sourcing::store::{
    EventStore, PageOf, Snapshot, SnapshotStore, Storage, StoreError, StreamTail, SNAPSHOT_EVERY,
};
use event_sourcing::trace::{TraceContext, TraceHints};
use event_sourcing::{EventEnvelope, NewEvent, PendingAppend, StreamId};
use serde_json::json;
use time::macros::datetime;

fn trace() -> TraceContext {
    TraceContext::from_hints(
        &TraceHints {
            trace_id: Some("trace-1"),
            user_id: Some("user-1"),
            ..Default::default()
        },
        datetime!(2026-01-02 03:04:05 UTC),
    )
}

fn events(stream: &StreamId, after: u64, payloads: Vec<serde_json::Value>) -> Vec<EventEnvelope> {
    PendingAppend {
        stream: stream.clone(),
        expected_version: after,
        snapshot: None,
        events: payloads
            .into_iter()
            .map(|payload| NewEvent {
                event_type: "Happened".into(),
                schema_version: 1,
                payload,
                personal: None,
            })
            .collect(),
    }
    .into_envelopes(&trace(), datetime!(2026-01-02 03:04:05 UTC), None)
}

fn one(stream: &StreamId, version: u64) -> Vec<EventEnvelope> {
    events(stream, version - 1, vec![json!({ "n": version })])
}

fn stream(id: &str) -> StreamId {
    StreamId::new("thing", id)
}

async fn unknown_stream_loads_empty(store: Arc<dyn Storage>) {
    assert_eq!(store.load(&stream("nobody")).await.unwrap(), vec![]);
}

async fn appended_events_load_back_unchanged(store: Arc<dyn Storage>) {
    let s = stream("a");
    let mut written = events(
        &s,
        0,
        vec![
            json!({ "name": "Ada", "nested": { "list": [1, 2.5, "x", null, true] }, "empty": "" }),
            json!({ "unicode": "żółć ✓" }),
        ],
    );
    written[1].causation_id = Some(uuid::Uuid::new_v4());
    store.append(&written).await.unwrap();
    assert_eq!(store.load(&s).await.unwrap(), written);
}

async fn events_load_in_version_order(store: Arc<dyn Storage>) {
    // v2 must come before v10: the zero-padded sort key keeps numeric order.
    let s = stream("ordered");
    for version in 1..=12 {
        store.append(&one(&s, version)).await.unwrap();
    }
    let versions: Vec<u64> = store
        .load(&s)
        .await
        .unwrap()
        .iter()
        .map(|e| e.version)
        .collect();
    assert_eq!(versions, (1..=12).collect::<Vec<_>>());
}

async fn taken_version_conflicts_and_writes_nothing(store: Arc<dyn Storage>) {
    let (a, b) = (stream("taken"), stream("innocent"));
    store.append(&one(&a, 1)).await.unwrap();
    let mut both = one(&b, 1);
    both.extend(one(&a, 1));
    let error = store.append(&both).await.unwrap_err();
    assert_eq!(
        error,
        StoreError::Conflict {
            streams: vec![a.clone()]
        }
    );
    assert_eq!(
        store.load(&b).await.unwrap(),
        vec![],
        "the other stream's event leaked"
    );
    assert_eq!(store.load(&a).await.unwrap().len(), 1);
}

async fn an_append_across_streams_lands_whole(store: Arc<dyn Storage>) {
    let (a, b) = (stream("x"), stream("y"));
    let mut both = events(&a, 0, vec![json!(1), json!(2)]);
    both.extend(one(&b, 1));
    store.append(&both).await.unwrap();
    assert_eq!(store.load(&a).await.unwrap().len(), 2);
    assert_eq!(store.load(&b).await.unwrap().len(), 1);
}

async fn over_100_items_is_refused_before_writing(store: Arc<dyn Storage>) {
    let s = stream("many");
    let error = store
        .append(&events(&s, 0, vec![json!(0); 101]))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        StoreError::TooManyItems {
            count: 101,
            max: 100
        }
    );
    assert_eq!(store.load(&s).await.unwrap(), vec![]);
    store
        .append(&events(&s, 0, vec![json!(0); 100]))
        .await
        .unwrap();
    assert_eq!(store.load(&s).await.unwrap().len(), 100);
}

async fn over_400_kb_item_is_refused(store: Arc<dyn Storage>) {
    let s = stream("big");
    let error = store
        .append(&events(
            &s,
            0,
            vec![json!({ "blob": "x".repeat(401 * 1024) })],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::ItemTooLarge { version: 1, .. }),
        "{error:?}"
    );
    assert_eq!(store.load(&s).await.unwrap(), vec![]);
}

async fn over_4_mb_transaction_is_refused(store: Arc<dyn Storage>) {
    let s = stream("heavy");
    let blob = json!({ "blob": "x".repeat(390 * 1024) });
    let error = store
        .append(&events(&s, 0, vec![blob; 11]))
        .await
        .unwrap_err();
    assert!(
        matches!(error, StoreError::TransactionTooLarge { .. }),
        "{error:?}"
    );
    assert_eq!(store.load(&s).await.unwrap(), vec![]);
}

async fn same_version_twice_in_one_append_is_refused(store: Arc<dyn Storage>) {
    let s = stream("twice");
    let mut twice = one(&s, 1);
    twice.extend(one(&s, 1));
    assert!(matches!(
        store.append(&twice).await.unwrap_err(),
        StoreError::DuplicateVersion { version: 1, .. }
    ));
    assert_eq!(store.load(&s).await.unwrap(), vec![]);
}

async fn a_stream_longer_than_a_page_loads_whole(store: Arc<dyn Storage>) {
    // 12 events of ~200 KB: 2.4 MB, past DynamoDB's 1 MB query page.
    let s = stream("long");
    for version in 1..=12 {
        let event = events(
            &s,
            version - 1,
            vec![json!({ "blob": "y".repeat(200 * 1024) })],
        );
        store.append(&event).await.unwrap();
    }
    let loaded = store.load(&s).await.unwrap();
    assert_eq!(
        loaded.iter().map(|e| e.version).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
}

async fn concurrent_appends_at_one_version_have_one_winner(store: Arc<dyn Storage>) {
    let s = stream("race");
    let attempts = (0..16).map(|i| {
        let store = store.clone();
        let event = events(&s, 0, vec![json!({ "writer": i })]);
        tokio::spawn(async move { store.append(&event).await })
    });
    let results = futures::future::join_all(attempts).await;
    let (won, lost): (Vec<_>, Vec<_>) = results
        .into_iter()
        .map(|r| r.unwrap())
        .partition(Result::is_ok);
    assert_eq!(won.len(), 1, "exactly one writer wins");
    for loser in lost {
        assert_eq!(
            loser.unwrap_err(),
            StoreError::Conflict {
                streams: vec![s.clone()]
            }
        );
    }
    assert_eq!(store.load(&s).await.unwrap().len(), 1);
}

async fn concurrent_writers_that_retry_leave_no_gap_and_no_duplicate(store: Arc<dyn Storage>) {
    let s = stream("counter");
    let writers = (0..8).map(|writer| {
        let store = store.clone();
        let s = s.clone();
        tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let version = store.load(&s).await.unwrap().len() as u64;
                let event = events(&s, version, vec![json!({ "writer": writer })]);
                match store.append(&event).await {
                    Ok(()) => return conflicts,
                    Err(StoreError::Conflict { .. }) => conflicts += 1,
                    Err(other) => panic!("unexpected {other:?}"),
                }
            }
        })
    });
    futures::future::join_all(writers)
        .await
        .into_iter()
        .for_each(|r| {
            r.unwrap();
        });
    let loaded = store.load(&s).await.unwrap();
    assert_eq!(
        loaded.iter().map(|e| e.version).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    let mut writers: Vec<i64> = loaded
        .iter()
        .map(|e| e.payload["writer"].as_i64().unwrap())
        .collect();
    writers.sort();
    assert_eq!(
        writers,
        (0..8).collect::<Vec<_>>(),
        "every writer landed exactly once"
    );
}

fn snapshot(version: u64) -> Snapshot {
    Snapshot {
        version,
        shape: 1,
        state: json!({ "upTo": version }).to_string(),
    }
}

fn versions(events: &[EventEnvelope]) -> Vec<u64> {
    events.iter().map(|e| e.version).collect()
}

async fn the_tail_is_the_snapshot_and_the_events_after_it(store: Arc<dyn Storage>) {
    let s = stream("snapped");
    for version in 1..=20 {
        store.append(&one(&s, version)).await.unwrap();
    }
    // No snapshot yet: the tail is the whole stream.
    let whole = store.load_tail(&s).await.unwrap();
    assert_eq!(whole.snapshot, None);
    assert_eq!(versions(&whole.events), (1..=20).collect::<Vec<_>>());
    store.save_snapshot(&s, &snapshot(17)).await.unwrap();
    let tail = store.load_tail(&s).await.unwrap();
    assert_eq!(tail.snapshot, Some(snapshot(17)));
    assert_eq!(versions(&tail.events), [18, 19, 20]);
    // A snapshot is never an event: a load and the stream's versions ignore it.
    assert_eq!(
        versions(&store.load(&s).await.unwrap()),
        (1..=20).collect::<Vec<_>>()
    );
    store.append(&one(&s, 21)).await.unwrap();
}

async fn an_older_snapshot_never_replaces_a_newer_one(store: Arc<dyn Storage>) {
    let s = stream("raced");
    for version in 1..=12 {
        store.append(&one(&s, version)).await.unwrap();
    }
    store.save_snapshot(&s, &snapshot(12)).await.unwrap();
    store.save_snapshot(&s, &snapshot(9)).await.unwrap();
    let tail = store.load_tail(&s).await.unwrap();
    assert_eq!(tail.snapshot, Some(snapshot(12)));
    assert_eq!(tail.events, vec![]);
}

async fn a_stream_far_past_its_snapshot_still_reads_every_event_after_it(store: Arc<dyn Storage>) {
    // A lost snapshot write: the events after the snapshot outrun one read of the end.
    let s = stream("outrun");
    for version in 1..=3 {
        store.append(&one(&s, version)).await.unwrap();
    }
    store.save_snapshot(&s, &snapshot(3)).await.unwrap();
    let past = 3 * SNAPSHOT_EVERY;
    for version in 4..=3 + past {
        store.append(&one(&s, version)).await.unwrap();
    }
    let StreamTail {
        snapshot: kept,
        events,
    } = store.load_tail(&s).await.unwrap();
    assert_eq!(kept, Some(snapshot(3)));
    assert_eq!(versions(&events), (4..=3 + past).collect::<Vec<_>>());
}

async fn a_page_of_a_stream_holds_its_events_past_the_cursor(store: Arc<dyn Storage>) {
    let s = stream("paged");
    for version in 1..=12 {
        store.append(&one(&s, version)).await.unwrap();
    }
    store.save_snapshot(&s, &snapshot(12)).await.unwrap();
    let page = |newest_first, past, limit| PageOf {
        newest_first,
        past,
        limit,
    };
    let read = |of: PageOf| {
        let store = store.clone();
        let s = s.clone();
        async move { versions(&store.load_page(&s, of).await.unwrap()) }
    };
    assert_eq!(read(page(false, None, 5)).await, [1, 2, 3, 4, 5]);
    assert_eq!(read(page(false, Some(10), 5)).await, [11, 12]);
    assert_eq!(read(page(true, None, 3)).await, [12, 11, 10]);
    assert_eq!(read(page(true, Some(3), 5)).await, [2, 1]);
    assert_eq!(read(page(true, Some(1), 5)).await, Vec::<u64>::new());
    assert_eq!(read(page(false, Some(12), 5)).await, Vec::<u64>::new());
    assert_eq!(
        read(page(false, None, 100)).await,
        (1..=12).collect::<Vec<_>>()
    );
}

dynamodb_adapters::on_both_event_stores!(
    unknown_stream_loads_empty,
    appended_events_load_back_unchanged,
    events_load_in_version_order,
    taken_version_conflicts_and_writes_nothing,
    an_append_across_streams_lands_whole,
    over_100_items_is_refused_before_writing,
    over_400_kb_item_is_refused,
    over_4_mb_transaction_is_refused,
    same_version_twice_in_one_append_is_refused,
    a_stream_longer_than_a_page_loads_whole,
    concurrent_appends_at_one_version_have_one_winner,
    concurrent_writers_that_retry_leave_no_gap_and_no_duplicate,
    the_tail_is_the_snapshot_and_the_events_after_it,
    an_older_snapshot_never_replaces_a_newer_one,
    a_stream_far_past_its_snapshot_still_reads_every_event_after_it,
    a_page_of_a_stream_holds_its_events_past_the_cursor,
);

#[tokio::test]
async fn dynamodb_load_follows_last_evaluated_key() {
    let (store, counter) = fresh_dynamo_store().await;
    let store: Arc<dyn Storage> = Arc::new(store);
    a_stream_longer_than_a_page_loads_whole(store.clone()).await;
    counter.reset();
    store.load(&stream("long")).await.unwrap();
    let queries = counter.operations();
    assert!(
        queries.len() >= 3,
        "2.4 MB should take 3 pages of 1 MB, took {queries:?}"
    );
}

#[tokio::test]
async fn dynamodb_reads_a_snapshotted_tail_in_one_query() {
    let (store, counter) = fresh_dynamo_store().await;
    let s = stream("one-read");
    for version in 1..=30 {
        store.append(&one(&s, version)).await.unwrap();
    }
    store.save_snapshot(&s, &snapshot(27)).await.unwrap();
    counter.reset();
    let tail = store.load_tail(&s).await.unwrap();
    assert_eq!(versions(&tail.events), [28, 29, 30]);
    assert_eq!(counter.operations(), ["Query"]);
    // Fewer than `SNAPSHOT_EVERY` events and no snapshot: one Query too.
    let short = stream("short");
    store.append(&one(&short, 1)).await.unwrap();
    counter.reset();
    assert_eq!(
        versions(&store.load_tail(&short).await.unwrap().events),
        [1]
    );
    assert_eq!(counter.operations(), ["Query"]);
}
