//! Property: whatever DynamoDB Streams does to delivery (random batches, duplicates, reordering
//! across and within streams, retries), the projections end up exactly as a fresh, in-order
//! fold of the same history would make them.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use event_sourcing::projection::InMemoryProjectionStore;
use event_sourcing::store::{EventStore, InMemoryEventStore};
use event_sourcing::EventEnvelope;
use proptest::prelude::*;
use serde_json::json;
use stream_consumer::{consumer, handle};
use support::{envelope, insert_record, stream_event};

#[derive(Clone, Debug)]
enum Op {
    CreateContact(u8),
    EditContact(u8, u8),
    DeleteContact(u8),
    CreateClient(u8),
    RenameClient(u8, u8),
    Link(u8, u8),
    Unlink(u8, u8),
    OpenCase(u8, u8),
    Interact(u8),
    CloseCase(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3u8).prop_map(Op::CreateContact),
        (0..3u8, 0..4u8).prop_map(|(c, n)| Op::EditContact(c, n)),
        (0..3u8).prop_map(Op::DeleteContact),
        (0..2u8).prop_map(Op::CreateClient),
        (0..2u8, 0..4u8).prop_map(|(k, n)| Op::RenameClient(k, n)),
        (0..2u8, 0..3u8).prop_map(|(k, c)| Op::Link(k, c)),
        (0..2u8, 0..3u8).prop_map(|(k, c)| Op::Unlink(k, c)),
        (0..3u8, 0..2u8).prop_map(|(s, k)| Op::OpenCase(s, k)),
        (0..3u8).prop_map(Op::Interact),
        (0..3u8).prop_map(Op::CloseCase),
    ]
}

/// Turns random operations into a valid history, in commit order (invalid ones are skipped).
fn history(ops: &[Op]) -> Vec<EventEnvelope> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut versions: BTreeMap<String, u64> = BTreeMap::new();
    let mut contacts: BTreeMap<u8, bool> = BTreeMap::new(); // alive?
    let mut clients: BTreeSet<u8> = BTreeSet::new();
    let mut links: BTreeSet<(u8, u8)> = BTreeSet::new();
    let mut cases: BTreeMap<u8, bool> = BTreeMap::new(); // open?
    let mut out = Vec::new();
    let mut emit = |out: &mut Vec<EventEnvelope>,
                    kind: &str,
                    id: String,
                    event_type: &str,
                    payload: serde_json::Value| {
        let version = versions.entry(format!("{kind}#{id}")).or_default();
        *version += 1;
        out.push(envelope(kind, &id, *version, event_type, payload));
    };
    let alive = |contacts: &BTreeMap<u8, bool>, c: u8| contacts.get(&c) == Some(&true);
    for op in ops {
        match *op {
            Op::CreateContact(c) if !contacts.contains_key(&c) => {
                contacts.insert(c, true);
                emit(
                    &mut out,
                    "contact",
                    format!("c{c}"),
                    "ContactCreated",
                    json!({ "contactId": format!("c{c}"), "name": format!("Name {c}"), "email": format!("c{c}@example.com") }),
                );
            }
            Op::EditContact(c, n) if alive(&contacts, c) => {
                emit(
                    &mut out,
                    "contact",
                    format!("c{c}"),
                    "ContactEdited",
                    json!({ "contactId": format!("c{c}"), "name": format!("Renamed {n}"), "email": format!("c{c}.{n}@example.com") }),
                );
            }
            Op::DeleteContact(c) if alive(&contacts, c) => {
                contacts.insert(c, false);
                let linked: Vec<u8> = links
                    .iter()
                    .filter(|(_, lc)| *lc == c)
                    .map(|(k, _)| *k)
                    .collect();
                emit(
                    &mut out,
                    "contact",
                    format!("c{c}"),
                    "ContactDeleted",
                    json!({ "contactId": format!("c{c}"), "cascade": true, "linkedClientIds": linked.iter().map(|k| format!("k{k}")).collect::<Vec<_>>() }),
                );
                for k in linked {
                    links.remove(&(k, c));
                    emit(
                        &mut out,
                        "client",
                        format!("k{k}"),
                        "ContactUnlinked",
                        json!({ "clientId": format!("k{k}"), "contactId": format!("c{c}"), "cause": "contactDeleted" }),
                    );
                }
            }
            Op::CreateClient(k) if clients.insert(k) => {
                emit(
                    &mut out,
                    "client",
                    format!("k{k}"),
                    "ClientCreated",
                    json!({ "clientId": format!("k{k}"), "name": format!("Client {k}") }),
                );
            }
            Op::RenameClient(k, n) if clients.contains(&k) => {
                emit(
                    &mut out,
                    "client",
                    format!("k{k}"),
                    "ClientEdited",
                    json!({ "clientId": format!("k{k}"), "name": format!("Client {k}.{n}"), "industry": "Retail" }),
                );
            }
            Op::Link(k, c)
                if clients.contains(&k) && alive(&contacts, c) && links.insert((k, c)) =>
            {
                let link = json!({ "clientId": format!("k{k}"), "contactId": format!("c{c}") });
                emit(
                    &mut out,
                    "client",
                    format!("k{k}"),
                    "ContactLinked",
                    link.clone(),
                );
                emit(&mut out, "contact", format!("c{c}"), "LinkedToClient", link);
            }
            Op::Unlink(k, c) if links.remove(&(k, c)) => {
                let unlink = json!({ "clientId": format!("k{k}"), "contactId": format!("c{c}") });
                emit(
                    &mut out,
                    "client",
                    format!("k{k}"),
                    "ContactUnlinked",
                    unlink.clone(),
                );
                emit(
                    &mut out,
                    "contact",
                    format!("c{c}"),
                    "UnlinkedFromClient",
                    unlink,
                );
            }
            Op::OpenCase(s, k) if clients.contains(&k) && !cases.contains_key(&s) => {
                cases.insert(s, true);
                emit(
                    &mut out,
                    "case",
                    format!("s{s}"),
                    "CaseCreated",
                    json!({ "caseId": format!("s{s}"), "clientId": format!("k{k}"), "description": "x", "openedAt": format!("2026-01-0{}T09:00:00Z", s + 1) }),
                );
            }
            Op::Interact(s) if cases.get(&s) == Some(&true) => {
                emit(
                    &mut out,
                    "case",
                    format!("s{s}"),
                    "InteractionAdded",
                    json!({ "caseId": format!("s{s}"), "interactionId": "i", "description": "d", "interactionDate": "2026-02-01T00:00:00Z", "type": "call" }),
                );
            }
            Op::CloseCase(s) if cases.get(&s) == Some(&true) => {
                cases.insert(s, false);
                emit(
                    &mut out,
                    "case",
                    format!("s{s}"),
                    "CaseClosed",
                    json!({ "caseId": format!("s{s}"), "closedAt": "2026-03-01T00:00:00Z" }),
                );
            }
            _ => {}
        }
    }
    out
}

/// A delivery: every record at least once (some twice or three times), shuffled, cut into
/// batches of 1 to 6.
fn delivery(records: usize) -> impl Strategy<Value = Vec<Vec<usize>>> {
    let extra = proptest::collection::vec(0..records.max(1), 0..records + 1);
    (extra, proptest::collection::vec(1..7usize, 1..64))
        .prop_flat_map(move |(extra, sizes)| {
            let all: Vec<usize> = (0..records)
                .chain(extra.into_iter().filter(|_| records > 0))
                .collect();
            (Just(all).prop_shuffle(), Just(sizes))
        })
        .prop_map(|(order, sizes)| {
            let mut batches = Vec::new();
            let mut rest = order.as_slice();
            for size in sizes.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (batch, tail) = rest.split_at((*size).min(rest.len()));
                batches.push(batch.to_vec());
                rest = tail;
            }
            batches
        })
}

/// Snapshots compared as readers see them: a counter never moved reads as 0, like one that
/// moved and came back (a coalesced batch that opens and closes a case writes no delta).
fn normalized(
    views: &InMemoryProjectionStore,
) -> std::collections::BTreeMap<
    event_sourcing::projection::ItemKey,
    event_sourcing::projection::StoredView,
> {
    let mut snapshot = views.snapshot();
    for stored in snapshot.values_mut() {
        stored.counters.retain(|_, value| *value != 0);
    }
    snapshot
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn any_delivery_gives_the_projections_of_a_fresh_fold(
        (events, batches) in proptest::collection::vec(op(), 1..40)
            .prop_map(|ops| history(&ops))
            .prop_flat_map(|events| { let n = events.len(); (Just(events), delivery(n)) })
    ) {
        runtime().block_on(async {
            let store = Arc::new(InMemoryEventStore::new());
            store.append(&events).await.unwrap();
            let records: Vec<_> = events.iter().enumerate().map(|(i, e)| insert_record(e, i as u64)).collect();

            let fresh = Arc::new(InMemoryProjectionStore::new());
            let in_order = consumer(fresh.clone(), store.clone());
            for record in &records {
                let response = handle(&in_order, stream_event(vec![record.clone()])).await;
                assert!(response.batch_item_failures.is_empty());
            }

            let shuffled = Arc::new(InMemoryProjectionStore::new());
            let at_random = consumer(shuffled.clone(), store.clone());
            for batch in &batches {
                let batch = batch.iter().map(|i| records[*i].clone()).collect();
                let response = handle(&at_random, stream_event(batch)).await;
                assert!(response.batch_item_failures.is_empty());
            }
            assert_eq!(normalized(&shuffled), normalized(&fresh));
        });
    }
}
