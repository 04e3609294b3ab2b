//! The write side of one invocation: subscribers, then direct or batched appends.

use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::envelope::{EventEnvelope, PendingAppend, StreamId};
use crate::error::ErrorKind;
use crate::policy::{Reaction, SubscriberError, Subscribers};
use crate::store::{
    check_append, AppendLimits, CommandStore, IdempotencyRecord, Snapshot, StoreError,
};
use crate::trace::TraceContext;

/// Subscribers may add events whose subscribers add events; past this depth it is a loop.
const MAX_SUBSCRIBER_DEPTH: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WriteMode {
    /// Each append is written at once (the default).
    #[default]
    Direct,
    /// Appends are buffered for the invocation and written by [`EventWriter::flush`] before it
    /// answers. Never on a timer: a frozen Lambda would lose the buffer.
    Batch,
}

impl WriteMode {
    /// `EVENT_STORE_MODE=batch` selects batch mode; anything else but `direct` is refused.
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value.map(str::trim) {
            None | Some("") | Some("direct") => Ok(WriteMode::Direct),
            Some("batch") => Ok(WriteMode::Batch),
            Some(other) => Err(format!(
                "EVENT_STORE_MODE must be 'direct' or 'batch', not '{other}'"
            )),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("{reason}")]
    Cancelled { kind: ErrorKind, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("subscriber {subscriber} failed: {source}")]
    Subscriber {
        subscriber: &'static str,
        source: SubscriberError,
    },
    #[error("subscribers kept adding events past depth {MAX_SUBSCRIBER_DEPTH}")]
    SubscriberLoop,
}

/// Per invocation; cheap to clone (clones share the buffer).
#[derive(Clone)]
pub struct EventWriter {
    store: Arc<dyn CommandStore>,
    subscribers: Arc<Subscribers>,
    mode: WriteMode,
    /// Batch mode: one entry per append, kept whole so no append is split across transactions.
    buffer: Arc<Mutex<Vec<Vec<EventEnvelope>>>>,
    /// Batch mode: snapshots that came with buffered appends, stored once those are written.
    snapshots: Arc<Mutex<Vec<(StreamId, Snapshot)>>>,
}

impl EventWriter {
    pub fn new(
        store: Arc<dyn CommandStore>,
        subscribers: Arc<Subscribers>,
        mode: WriteMode,
    ) -> Self {
        Self {
            store,
            subscribers,
            mode,
            buffer: Arc::default(),
            snapshots: Arc::default(),
        }
    }

    /// A writer on the same store and subscribers that buffers until flushed, whatever the
    /// mode: what a keyed request needs to record its answer with its events.
    pub fn buffering(&self) -> Self {
        Self::new(
            self.store.clone(),
            self.subscribers.clone(),
            WriteMode::Batch,
        )
    }

    pub fn mode(&self) -> WriteMode {
        self.mode
    }

    /// Runs the subscribers of every new event, then writes (or buffers) the append and all that
    /// the subscribers added as one unit. Returns every event of the unit, the caller's first.
    /// The snapshots the appends carry are stored after the unit is written (a failure to store
    /// one is logged and fails nothing: the next command stores another).
    pub async fn append(
        &self,
        mut pending: PendingAppend,
        trace: &TraceContext,
        now: OffsetDateTime,
    ) -> Result<Vec<EventEnvelope>, AppendError> {
        let mut snapshots: Vec<(StreamId, Snapshot)> = Vec::new();
        let mut take_snapshot = |append: &mut PendingAppend| {
            if let Some(snapshot) = append.snapshot.take() {
                snapshots.push((append.stream.clone(), snapshot));
            }
        };
        take_snapshot(&mut pending);
        let mut unit = pending.into_envelopes(trace, now, None);
        let mut frontier = 0..unit.len();
        for depth in 0..=MAX_SUBSCRIBER_DEPTH {
            let mut added = Vec::new();
            for event in unit.get(frontier.clone()).unwrap_or_default() {
                for subscriber in self.subscribers.for_type(&event.event_type) {
                    let reaction =
                        subscriber
                            .react(event, self.store.as_ref())
                            .await
                            .map_err(|source| AppendError::Subscriber {
                                subscriber: subscriber.name(),
                                source,
                            })?;
                    match reaction {
                        Reaction::Proceed => {}
                        Reaction::Cancel { kind, reason } => {
                            return Err(AppendError::Cancelled { kind, reason })
                        }
                        Reaction::Append(appends) => {
                            let child = event.trace.child(subscriber.name());
                            for mut append in appends {
                                take_snapshot(&mut append);
                                added.extend(append.into_envelopes(
                                    &child,
                                    now,
                                    Some(event.event_id),
                                ));
                            }
                        }
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            if depth == MAX_SUBSCRIBER_DEPTH {
                return Err(AppendError::SubscriberLoop);
            }
            frontier = unit.len()..unit.len() + added.len();
            unit.extend(added);
        }
        check_append(&unit, &self.store.limits())?;
        match self.mode {
            WriteMode::Direct => {
                self.store.append(&unit).await?;
                self.save_snapshots(snapshots).await;
            }
            WriteMode::Batch => {
                let mut buffer = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
                // Two buffered appends at the same version would only fail at flush; fail now.
                let taken: Vec<_> = unit
                    .iter()
                    .filter(|e| {
                        buffer
                            .iter()
                            .flatten()
                            .any(|b| b.version == e.version && b.stream() == e.stream())
                    })
                    .map(EventEnvelope::stream)
                    .collect();
                if !taken.is_empty() {
                    return Err(StoreError::Conflict { streams: taken }.into());
                }
                buffer.push(unit.clone());
                self.snapshots
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(snapshots);
            }
        }
        Ok(unit)
    }

    /// Writes what batch mode buffered; a no-op in direct mode. Appends are packed whole into
    /// transactions of at most 100 items: each append is atomic, and so is everything buffered
    /// while it fits one transaction. Past that, earlier transactions stay written if a later
    /// one fails, and the error reaches the caller, never a success.
    pub async fn flush(&self) -> Result<usize, StoreError> {
        self.flush_recording(None).await
    }

    /// [`EventWriter::flush`], with the answer recorded under an idempotency key in the last
    /// transaction (alone, if nothing was buffered): the key is taken if and only if the
    /// events land.
    pub async fn flush_recording(
        &self,
        record: Option<&IdempotencyRecord>,
    ) -> Result<usize, StoreError> {
        let units = std::mem::take(&mut *self.buffer.lock().unwrap_or_else(|e| e.into_inner()));
        let mut transactions = pack(units, &self.store.limits());
        let last = match (transactions.pop(), record) {
            (None, None) => return Ok(0),
            (last, _) => last.unwrap_or_default(),
        };
        let mut written = 0;
        for transaction in transactions {
            self.store
                .append(&transaction)
                .await
                .map_err(|error| already_exists(&transaction, error))?;
            written += transaction.len();
        }
        match record {
            Some(record) => self.store.append_recorded(&last, record).await,
            None => self.store.append(&last).await,
        }
        .map_err(|error| already_exists(&last, error))?;
        let snapshots =
            std::mem::take(&mut *self.snapshots.lock().unwrap_or_else(|e| e.into_inner()));
        self.save_snapshots(snapshots).await;
        Ok(written + last.len())
    }

    /// Stores snapshots whose events are written. A failure fails nothing: it is logged, and
    /// the next command on that stream stores another.
    async fn save_snapshots(&self, snapshots: Vec<(StreamId, Snapshot)>) {
        for (stream, snapshot) in snapshots {
            if let Err(error) = self.store.save_snapshot(&stream, &snapshot).await {
                tracing::warn!(%stream, version = snapshot.version, %error, "snapshot not stored");
            }
        }
    }

    /// Drops what batch mode buffered (the invocation failed, so nothing of it may land).
    pub fn discard(&self) {
        self.buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.snapshots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    pub fn buffered(&self) -> usize {
        self.buffer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(Vec::len)
            .sum()
    }
}

/// Version 1 taken: a buffered create met an existing stream.
fn already_exists(transaction: &[EventEnvelope], error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict { streams }
            if streams.iter().all(|stream| {
                transaction
                    .iter()
                    .any(|e| e.version == 1 && e.stream() == *stream)
            }) =>
        {
            StoreError::AlreadyExists { streams }
        }
        other => other,
    }
}

/// Greedy packing of whole appends into transactions within the store's limits.
fn pack(units: Vec<Vec<EventEnvelope>>, limits: &AppendLimits) -> Vec<Vec<EventEnvelope>> {
    let size = |unit: &[EventEnvelope]| -> usize {
        unit.iter()
            .map(|e| (limits.event_size)(e).unwrap_or(0))
            .sum()
    };
    let mut transactions: Vec<Vec<EventEnvelope>> = Vec::new();
    let mut current_bytes = 0;
    for unit in units {
        let unit_bytes = size(&unit);
        match transactions.last_mut() {
            Some(current)
                if current.len() + unit.len() <= limits.max_events
                    && current_bytes + unit_bytes <= limits.max_append_bytes =>
            {
                current.extend(unit);
                current_bytes += unit_bytes;
            }
            _ => {
                transactions.push(unit);
                current_bytes = unit_bytes;
            }
        }
    }
    transactions
}
