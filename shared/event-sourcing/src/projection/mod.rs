//! Projections: read models folded from event streams by the stream consumer.
//!
//! DynamoDB Streams deliver at least once, retried, in order within a shard but not across
//! streams, and a transaction's items separately. So every projection item records the last
//! version of its source stream it applied; writes are conditional on the version read, so a
//! redelivered or older record is a no-op; a gap (n+2 after n) rebuilds the item from the event
//! store instead of guessing; and within one invocation every touched item is written once.

mod consumer;
mod memory;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

pub use consumer::{Consumer, IncomingRecord, ProcessReport};
pub use memory::InMemoryProjectionStore;

use crate::envelope::{DomainEvent, EventEnvelope};

/// `PK = <aggregateType>#<id>`, `SK = <projection name>`: the original's projection keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub pk: String,
    pub sk: String,
}

impl ItemKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

/// The two secondary indexes of the projection table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Index {
    /// Point lookups and small per-owner lists (`email#...`, `client#<id>#openCases`).
    Lookup,
    /// Whole-table lists, spread over [`LIST_SHARDS`] partitions so none is hot.
    List,
}

impl Index {
    pub const ALL: [Index; 2] = [Index::Lookup, Index::List];

    pub fn name(self) -> &'static str {
        match self {
            Index::Lookup => "ByLookup",
            Index::List => "ByList",
        }
    }

    /// The (partition, sort) attribute names of the index.
    pub fn attributes(self) -> (&'static str, &'static str) {
        match self {
            Index::Lookup => ("GSI1PK", "GSI1SK"),
            Index::List => ("GSI2PK", "GSI2SK"),
        }
    }
}

/// How many partitions a whole-table list is spread over.
pub const LIST_SHARDS: u32 = 4;

/// The list partition of an id: `<list>#<shard>`, stable across processes (FNV-1a).
pub fn list_partition(list: &str, id: &str) -> String {
    let hash = id.bytes().fold(0x811c9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x01000193)
    });
    format!("{list}#{}", hash % LIST_SHARDS)
}

/// An instant as index sort keys hold it: UTC, fixed width to the nanosecond, so text order
/// is time order (`2026-03-01T08:00:00.000000000Z`). A key `<instant>#<id>` is at most
/// `sortable(t)` exactly when its instant is before `t`.
pub fn sortable(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub index: Index,
    pub pk: String,
    pub sk: String,
}

/// An atomic add to a number on another projection item (e.g. a client's open-case count),
/// written in the same transaction as the view change that causes it, so it counts once.
/// Adds commute, so counters fed by many streams, in any order, end the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterDelta {
    pub key: ItemKey,
    pub counter: String,
    pub delta: i64,
    /// Where the counter item appears in an index (e.g. a day's totals in its pipeline's
    /// range of days), for items that only counters write.
    pub index: Option<IndexEntry>,
}

impl CounterDelta {
    pub fn new(key: ItemKey, counter: impl Into<String>, delta: i64) -> Self {
        Self {
            key,
            counter: counter.into(),
            delta,
            index: None,
        }
    }

    pub fn indexed(mut self, entry: IndexEntry) -> Self {
        self.index = Some(entry);
        self
    }
}

/// The deltas summed per (item, counter), zero sums dropped: what a batch of events moves.
pub fn merge_counters(deltas: impl IntoIterator<Item = CounterDelta>) -> Vec<CounterDelta> {
    let mut merged: Vec<CounterDelta> = Vec::new();
    for delta in deltas {
        match merged
            .iter_mut()
            .find(|m| m.key == delta.key && m.counter == delta.counter)
        {
            Some(existing) => {
                existing.delta += delta.delta;
                if existing.index.is_none() {
                    existing.index = delta.index;
                }
            }
            None => merged.push(delta),
        }
    }
    merged.retain(|m| m.delta != 0);
    merged
}

/// A projection item as stored: its view, the source version it reflects, and counters that
/// other projections maintain on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredView {
    pub view: Option<Value>,
    pub source_version: u64,
    pub counters: BTreeMap<String, i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ViewWrite {
    pub key: ItemKey,
    /// The version read; the write fails if another writer moved it meanwhile.
    pub expected_version: u64,
    pub new_version: u64,
    pub view: Option<Value>,
    pub index: Vec<IndexEntry>,
    pub counters: Vec<CounterDelta>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProjectionStoreError {
    #[error("projection item {0:?} was changed concurrently")]
    Conflict(ItemKey),
    #[error("bad cursor: {0}")]
    BadCursor(String),
    #[error("projection store unavailable: {0}")]
    Backend(String),
}

/// A read of one index partition: up to `limit` items ordered by (index sort key, PK),
/// strictly after `after`, with sort keys within `from..=to` where given.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexQuery<'a> {
    pub index: Index,
    pub partition: &'a str,
    pub after: Option<(String, ItemKey)>,
    pub limit: usize,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One page of an index, in index order.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexPage {
    pub items: Vec<(ItemKey, IndexEntry, StoredView)>,
    /// Whether the partition may hold more after the last item.
    pub more: bool,
}

#[async_trait]
pub trait ProjectionStore: Send + Sync {
    async fn get(&self, key: &ItemKey) -> Result<StoredView, ProjectionStoreError>;

    /// Many items at once, strongly consistent: every key is in the answer (absent items as
    /// the default view).
    async fn get_many(
        &self,
        keys: &[ItemKey],
    ) -> Result<std::collections::HashMap<ItemKey, StoredView>, ProjectionStoreError>;

    async fn write(&self, write: ViewWrite) -> Result<(), ProjectionStoreError>;

    async fn query(&self, query: IndexQuery<'_>) -> Result<IndexPage, ProjectionStoreError>;

    /// What a consumer must keep current now, each as a store of its own: the live
    /// generation, and during a rebuild also the one being built beside it.
    async fn consumer_targets(
        self: Arc<Self>,
    ) -> Result<Vec<Arc<dyn ProjectionStore>>, ProjectionStoreError>;
}

/// A read model folded from the streams of one aggregate type.
pub trait Projection: Send + Sync {
    /// The item's sort key, e.g. `summary`.
    fn name(&self) -> &'static str;
    /// The aggregate type whose streams it folds.
    fn source(&self) -> &'static str;
    /// One fold step. `None`: there is no view (yet). An event type it does not know leaves
    /// the view as it is.
    fn apply(&self, view: Option<Value>, event: &EventEnvelope) -> Result<Option<Value>, String>;
    /// Whether its code knows this event type (see [`DomainEvent::knows`]).
    fn knows(&self, _event_type: &str) -> bool {
        true
    }
    /// Where the view appears in the indexes.
    fn index(&self, _view: &Value) -> Vec<IndexEntry> {
        Vec::new()
    }
    /// Counters on other items to move when `event` takes the view from `before` to `after`.
    fn counters(
        &self,
        _before: Option<&Value>,
        _after: Option<&Value>,
        _event: &EventEnvelope,
    ) -> Vec<CounterDelta> {
        Vec::new()
    }
}

/// A typed view: the usual way to write a [`Projection`].
pub trait View: Serialize + DeserializeOwned + Send + Sync + 'static {
    type Event: DomainEvent;
    const NAME: &'static str;
    const SOURCE: &'static str;

    fn apply(view: Option<Self>, event: &Self::Event) -> Option<Self>;

    fn index(&self) -> Vec<IndexEntry> {
        Vec::new()
    }

    fn counters(_before: Option<&Self>, _after: Option<&Self>) -> Vec<CounterDelta> {
        Vec::new()
    }
}

/// Runs a [`View`] as a [`Projection`].
pub struct ViewProjection<V>(std::marker::PhantomData<V>);

impl<V> Default for ViewProjection<V> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

fn typed<V: View>(value: Option<&Value>) -> Option<V> {
    value.and_then(|v| serde_json::from_value(v.clone()).ok())
}

impl<V: View> Projection for ViewProjection<V> {
    fn name(&self) -> &'static str {
        V::NAME
    }

    fn source(&self) -> &'static str {
        V::SOURCE
    }

    fn knows(&self, event_type: &str) -> bool {
        V::Event::knows(event_type)
    }

    fn apply(&self, view: Option<Value>, event: &EventEnvelope) -> Result<Option<Value>, String> {
        if !self.knows(&event.event_type) {
            return Ok(view);
        }
        let current: Option<V> = match view {
            Some(value) => Some(
                serde_json::from_value(value)
                    .map_err(|e| format!("stored view unreadable: {e}"))?,
            ),
            None => None,
        };
        let event: V::Event = event.decode().map_err(|e| {
            format!(
                "{} v{} ({}): {e}",
                event.stream(),
                event.version,
                event.event_type
            )
        })?;
        V::apply(current, &event)
            .map(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
            .transpose()
    }

    fn index(&self, view: &Value) -> Vec<IndexEntry> {
        typed::<V>(Some(view))
            .map(|v| v.index())
            .unwrap_or_default()
    }

    fn counters(
        &self,
        before: Option<&Value>,
        after: Option<&Value>,
        _event: &EventEnvelope,
    ) -> Vec<CounterDelta> {
        V::counters(typed::<V>(before).as_ref(), typed::<V>(after).as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_summed_per_item_and_name_and_zero_sums_dropped() {
        let day = |sk: &str| ItemKey::new("pipeline#p1", sk);
        let entry = IndexEntry {
            index: Index::Lookup,
            pk: "days#p1".into(),
            sk: "2027-03-31".into(),
        };
        let merged = merge_counters([
            CounterDelta::new(day("a"), "count", 1),
            CounterDelta::new(day("a"), "amount", 500).indexed(entry.clone()),
            CounterDelta::new(day("b"), "count", 1),
            CounterDelta::new(day("a"), "count", 2),
            CounterDelta::new(day("b"), "count", -1),
        ]);
        assert_eq!(
            merged,
            [
                CounterDelta::new(day("a"), "count", 3),
                CounterDelta::new(day("a"), "amount", 500).indexed(entry),
            ]
        );
    }
}
