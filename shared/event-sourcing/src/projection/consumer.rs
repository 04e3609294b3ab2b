//! Runs projections over a batch of stream records.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::{
    merge_counters, CounterDelta, ItemKey, Projection, ProjectionStore, ProjectionStoreError,
    StoredView, ViewWrite,
};
use crate::envelope::{EventEnvelope, StreamId};
use crate::store::EventStore;

/// Attempts per item when another consumer moves it between our read and our write (or a
/// counter item it shares with other streams, e.g. a pipeline's figures, is in another
/// transaction at that moment).
const MAX_ATTEMPTS: usize = 6;

/// Items one write may touch (a DynamoDB transaction's limit): the view item and the counter
/// items. A batch whose counters would move more is written in several steps.
pub const MAX_ITEMS_PER_WRITE: usize = 100;

/// One stream record: its sequence number, and the event it carries (or why it carries none).
#[derive(Clone, Debug)]
pub struct IncomingRecord {
    pub sequence_number: String,
    pub event: Result<EventEnvelope, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessReport {
    /// Sequence numbers to report in `batchItemFailures`.
    pub failed: Vec<String>,
    /// Projection items written (once each, however many records touched them).
    pub writes: usize,
    /// Items rebuilt from the event store after a gap.
    pub rebuilds: usize,
    /// Events a projection's code does not know yet (a newer slice wrote them): skipped, so
    /// they never block the stream; a rebuild after the consumer is deployed takes them in.
    pub skipped: usize,
}

pub struct Consumer {
    projections: Vec<Arc<dyn Projection>>,
    views: Arc<dyn ProjectionStore>,
    events: Arc<dyn EventStore>,
}

enum Outcome {
    UpToDate,
    Written { rebuilt: bool },
}

impl Consumer {
    pub fn new(
        projections: Vec<Arc<dyn Projection>>,
        views: Arc<dyn ProjectionStore>,
        events: Arc<dyn EventStore>,
    ) -> Self {
        Self {
            projections,
            views,
            events,
        }
    }

    /// The records' events with their personal data opened: all at once (one key read), or
    /// one by one when that fails, so one unreadable record fails alone.
    async fn open(&self, records: Vec<IncomingRecord>) -> Vec<IncomingRecord> {
        let events: Vec<EventEnvelope> = records
            .iter()
            .filter_map(|r| r.event.as_ref().ok().cloned())
            .collect();
        if let Ok(opened) = self.events.open(events).await {
            let mut opened = opened.into_iter();
            return records
                .into_iter()
                .map(|record| IncomingRecord {
                    event: match record.event {
                        Ok(_) => opened.next().ok_or_else(|| "lost in opening".to_owned()),
                        Err(reason) => Err(reason),
                    },
                    ..record
                })
                .collect();
        }
        let mut each = Vec::with_capacity(records.len());
        for record in records {
            let event = match record.event {
                Ok(event) => match self.events.open(vec![event]).await {
                    Ok(mut opened) => opened.pop().ok_or_else(|| "lost in opening".to_owned()),
                    Err(error) => Err(format!("personal data unreadable: {error}")),
                },
                Err(reason) => Err(reason),
            };
            each.push(IncomingRecord { event, ..record });
        }
        each
    }

    /// Applies a batch: records are grouped per projection item, each item is read once,
    /// folded over its new events in version order, and written once. A record that cannot
    /// be read, or whose item cannot be written, is reported; the rest proceed.
    pub async fn process(&self, records: Vec<IncomingRecord>) -> ProcessReport {
        let mut report = ProcessReport::default();
        let targets = match self.views.clone().consumer_targets().await {
            Ok(targets) => targets,
            Err(reason) => {
                tracing::error!(%reason, "projection generations unreadable");
                report.failed = records.into_iter().map(|r| r.sequence_number).collect();
                return report;
            }
        };
        let records = self.open(records).await;
        let mut groups: BTreeMap<(usize, StreamId), Vec<(EventEnvelope, String)>> = BTreeMap::new();
        for record in records {
            match record.event {
                Err(reason) => {
                    tracing::error!(sequence = %record.sequence_number, %reason, "unreadable stream record");
                    report.failed.push(record.sequence_number);
                }
                Ok(event) => {
                    for (index, projection) in self.projections.iter().enumerate() {
                        if projection.source() == event.aggregate_type {
                            if !projection.knows(&event.event_type) {
                                tracing::warn!(
                                    event_type = %event.event_type,
                                    stream = %event.stream(),
                                    version = event.version,
                                    projection = projection.name(),
                                    "event type unknown to this projection: skipped"
                                );
                                report.skipped += 1;
                            }
                            groups
                                .entry((index, event.stream()))
                                .or_default()
                                .push((event.clone(), record.sequence_number.clone()));
                        }
                    }
                }
            }
        }
        let key_of = |index: usize, stream: &StreamId| {
            self.projections
                .get(index)
                .map(|p| ItemKey::new(stream.partition_key(), p.name()))
        };
        let keys: Vec<ItemKey> = groups
            .keys()
            .filter_map(|(index, stream)| key_of(*index, stream))
            .collect();
        // Every touched item of a generation in ceil(items / 100) reads.
        let mut stored = Vec::with_capacity(targets.len());
        for views in &targets {
            match views.get_many(&keys).await {
                Ok(found) => stored.push(found),
                Err(reason) => {
                    tracing::error!(%reason, "projection items unreadable");
                    report.failed.extend(
                        groups
                            .values()
                            .flatten()
                            .map(|(_, sequence)| sequence.clone()),
                    );
                    report.failed.sort();
                    report.failed.dedup();
                    return report;
                }
            }
        }
        for ((index, stream), mut events) in groups {
            events.sort_by_key(|(event, _)| event.version);
            events.dedup_by_key(|(event, _)| event.version);
            let (Some(projection), Some(key)) = (
                self.projections.get(index).map(|p| p.as_ref()),
                key_of(index, &stream),
            ) else {
                continue;
            };
            // Each generation (the live one, one being rebuilt) is folded on its own.
            for (views, found) in targets.iter().zip(&stored) {
                let read = found.get(&key).cloned().unwrap_or_default();
                match self
                    .project(views.as_ref(), projection, &stream, &events, read)
                    .await
                {
                    Ok(Outcome::UpToDate) => {}
                    Ok(Outcome::Written { rebuilt }) => {
                        report.writes += 1;
                        report.rebuilds += usize::from(rebuilt);
                    }
                    Err(reason) => {
                        tracing::error!(%stream, projection = projection.name(), %reason, "projection failed");
                        report
                            .failed
                            .extend(events.iter().map(|(_, sequence)| sequence.clone()));
                    }
                }
            }
        }
        report.failed.sort();
        report.failed.dedup();
        report
    }

    async fn project(
        &self,
        views: &dyn ProjectionStore,
        projection: &dyn Projection,
        stream: &StreamId,
        events: &[(EventEnvelope, String)],
        read: StoredView,
    ) -> Result<Outcome, String> {
        let key = ItemKey::new(stream.partition_key(), projection.name());
        let mut first = Some(read);
        // Whether a write of this call landed (and rebuilt from the store) before a lost race.
        let mut written: Option<bool> = None;
        for _ in 0..MAX_ATTEMPTS {
            // The batch read first; after a lost race, the item as it is now.
            let stored = match first.take() {
                Some(read) => read,
                None => views.get(&key).await.map_err(|e| e.to_string())?,
            };
            let pending: Vec<&EventEnvelope> = events
                .iter()
                .map(|(event, _)| event)
                .filter(|event| event.version > stored.source_version)
                .collect();
            let done = |written: Option<bool>| match written {
                Some(rebuilt) => Outcome::Written { rebuilt },
                None => Outcome::UpToDate,
            };
            if pending.is_empty() {
                return Ok(done(written));
            }
            let contiguous = pending
                .iter()
                .zip(stored.source_version + 1..)
                .all(|(event, expected)| event.version == expected);
            let (start, replay, rebuilt) = if contiguous {
                let replay: Vec<EventEnvelope> = pending.into_iter().cloned().collect();
                (stored.view.clone(), replay, false)
            } else {
                // A gap: the missing events exist in the store (they were committed before
                // the ones we hold), so fold the whole stream rather than guess.
                let history = self.events.load(stream).await.map_err(|e| e.to_string())?;
                (None, history, true)
            };
            let writes = self.fold(projection, start, &replay, stored.source_version)?;
            if writes.is_empty() {
                return Ok(done(written));
            }
            let mut expected = stored.source_version;
            let mut lost = false;
            for (view, version, counters) in writes {
                let write = ViewWrite {
                    index: view
                        .as_ref()
                        .map(|v| projection.index(v))
                        .unwrap_or_default(),
                    counters,
                    key: key.clone(),
                    expected_version: expected,
                    new_version: version,
                    view,
                };
                match views.write(write).await {
                    Ok(()) => {
                        expected = version;
                        written = Some(rebuilt || written.unwrap_or(false));
                    }
                    Err(ProjectionStoreError::Conflict(_)) => {
                        lost = true;
                        break;
                    }
                    Err(other) => return Err(other.to_string()),
                }
            }
            if !lost {
                return Ok(done(written));
            }
        }
        Err(format!("{key:?} kept changing under us"))
    }

    /// Folds `replay` from `start`; the counters move event by event (a counter may depend on
    /// when each event happened), for the events after `stored` only, summed per counter. The
    /// folds to write, in order: one, or more where one write would move more items than a
    /// store transaction holds (split between events).
    fn fold(
        &self,
        projection: &dyn Projection,
        start: Option<Value>,
        replay: &[EventEnvelope],
        stored: u64,
    ) -> Result<Vec<Fold>, String> {
        let mut writes = Vec::new();
        let mut view = start;
        let mut version = 0;
        let mut counters: Vec<CounterDelta> = Vec::new();
        for event in replay {
            let next = projection.apply(view.clone(), event)?;
            let moved = if event.version > stored {
                projection.counters(view.as_ref(), next.as_ref(), event)
            } else {
                Vec::new()
            };
            let merged = merge_counters(counters.iter().cloned().chain(moved.iter().cloned()));
            if items(&merged) + 1 > MAX_ITEMS_PER_WRITE && version > stored {
                writes.push((view.clone(), version, std::mem::take(&mut counters)));
                counters = merge_counters(moved);
            } else {
                counters = merged;
            }
            view = next;
            version = event.version;
        }
        if version > stored {
            writes.push((view, version, counters));
        }
        Ok(writes)
    }
}

/// One write of a fold: the view, the source version it reflects, the counters it moves.
type Fold = (Option<Value>, u64, Vec<CounterDelta>);

/// The distinct items some counters move.
fn items(counters: &[CounterDelta]) -> usize {
    let mut keys: Vec<&ItemKey> = counters.iter().map(|c| &c.key).collect();
    keys.sort();
    keys.dedup();
    keys.len()
}
