//! An in-memory event store with the DynamoDB adapter's semantics, for unit tests and benchmarks.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;

use super::{check_append, EventStore, StoreError};
use crate::envelope::{EventEnvelope, StreamId};

#[derive(Default)]
pub struct InMemoryEventStore {
    streams: Mutex<HashMap<StreamId, BTreeMap<u64, EventEnvelope>>>,
}

impl InMemoryEventStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored event, for assertions.
    pub fn all_events(&self) -> Vec<EventEnvelope> {
        let streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let mut events: Vec<_> = streams.values().flat_map(|s| s.values().cloned()).collect();
        events.sort_by_key(|e| (e.stream(), e.version));
        events
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
        check_append(events)?;
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
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
