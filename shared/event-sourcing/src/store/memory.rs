//! An in-memory event store with the semantics of the stores the system deploys on, for unit
//! tests, benchmarks and examples.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use super::{
    check_append, AppendLimits, EventStore, IdempotencyRecord, IdempotencyStore, ResealStore,
    Snapshot, SnapshotStore, StoreError, StreamTail,
};
use crate::envelope::{EventEnvelope, StreamId};

pub struct InMemoryEventStore {
    streams: Mutex<HashMap<StreamId, BTreeMap<u64, EventEnvelope>>>,
    records: Mutex<HashMap<String, IdempotencyRecord>>,
    snapshots: Mutex<HashMap<StreamId, Snapshot>>,
    limits: AppendLimits,
}

impl Default for InMemoryEventStore {
    fn default() -> Self {
        Self::with_limits(Self::LIMITS)
    }
}

impl InMemoryEventStore {
    /// DynamoDB's transaction limits (100 items, 400 KB an item, 4 MB in all), events sized
    /// as JSON: a test that breaks them here breaks them there. A test that needs the exact
    /// sizes of an adapter gives its limits to [`Self::with_limits`].
    pub const LIMITS: AppendLimits = AppendLimits {
        max_events: 100,
        max_event_bytes: 400 * 1024,
        max_append_bytes: 4 * 1024 * 1024,
        event_size: AppendLimits::json_size,
    };

    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_limits(limits: AppendLimits) -> Self {
        Self {
            streams: Mutex::default(),
            records: Mutex::default(),
            snapshots: Mutex::default(),
            limits,
        }
    }

    /// Every stored event, for assertions.
    pub fn all_events(&self) -> Vec<EventEnvelope> {
        let streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let mut events: Vec<_> = streams.values().flat_map(|s| s.values().cloned()).collect();
        events.sort_by_key(|e| (e.stream(), e.version));
        events
    }

    /// The stream's stored snapshot, for assertions.
    pub fn snapshot_of(&self, stream: &StreamId) -> Option<Snapshot> {
        let snapshots = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        snapshots.get(stream).cloned()
    }
}

#[async_trait]
impl EventStore for InMemoryEventStore {
    async fn load(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        let streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        Ok(streams
            .get(stream)
            .map(|events| events.values().cloned().collect())
            .unwrap_or_default())
    }

    async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        Self::append_to(&mut streams, events, &self.limits)
    }

    fn limits(&self) -> AppendLimits {
        self.limits
    }
}

#[async_trait]
impl SnapshotStore for InMemoryEventStore {
    async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError> {
        let snapshot = self.snapshot_of(stream);
        let after = snapshot.as_ref().map_or(0, |s| s.version);
        let mut events = self.load(stream).await?;
        events.retain(|e| e.version > after);
        Ok(StreamTail { snapshot, events })
    }

    async fn save_snapshot(
        &self,
        stream: &StreamId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let mut snapshots = self.snapshots.lock().unwrap_or_else(|e| e.into_inner());
        let stored = snapshots
            .entry(stream.clone())
            .or_insert_with(|| snapshot.clone());
        if stored.version < snapshot.version {
            *stored = snapshot.clone();
        }
        Ok(())
    }
}

#[async_trait]
impl IdempotencyStore for InMemoryEventStore {
    async fn recorded(&self, key: &str, now: i64) -> Result<Option<IdempotencyRecord>, StoreError> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        Ok(records.get(key).filter(|r| r.expires_at > now).cloned())
    }

    async fn append_recorded(
        &self,
        events: &[EventEnvelope],
        record: &IdempotencyRecord,
    ) -> Result<(), StoreError> {
        // Both locks, in this order, so the key and the events land together or not at all.
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if records
            .get(&record.key)
            .is_some_and(|held| held.expires_at > record.recorded_at)
        {
            return Err(StoreError::KeyTaken(record.key.clone()));
        }
        Self::append_to(&mut streams, events, &self.limits)?;
        records.insert(record.key.clone(), record.clone());
        Ok(())
    }
}

#[async_trait]
impl ResealStore for InMemoryEventStore {
    async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        self.load(stream).await
    }

    async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        match streams
            .get_mut(&event.stream())
            .and_then(|s| s.get_mut(&event.version))
        {
            Some(stored) if stored.event_id == event.event_id => {
                stored.payload = event.payload.clone();
                Ok(())
            }
            _ => Err(StoreError::Corrupt(format!(
                "{} v{} is not stored as that event",
                event.stream(),
                event.version
            ))),
        }
    }
}

impl InMemoryEventStore {
    fn append_to(
        streams: &mut HashMap<StreamId, BTreeMap<u64, EventEnvelope>>,
        events: &[EventEnvelope],
        limits: &AppendLimits,
    ) -> Result<(), StoreError> {
        check_append(events, limits)?;
        let mut conflicts: Vec<StreamId> = events
            .iter()
            .filter(|e| {
                streams
                    .get(&e.stream())
                    .is_some_and(|s| s.contains_key(&e.version))
            })
            .map(EventEnvelope::stream)
            .collect();
        if !conflicts.is_empty() {
            conflicts.dedup();
            return Err(StoreError::Conflict { streams: conflicts });
        }
        for event in events {
            streams
                .entry(event.stream())
                .or_default()
                .insert(event.version, event.clone());
        }
        Ok(())
    }
}
