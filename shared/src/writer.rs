//! The write side of one invocation: subscribers, then direct or batched appends.

use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::envelope::{EventEnvelope, PendingAppend};
use crate::error::ErrorKind;
use crate::store::{
    check_append, EventStore, StoreError, MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS,
};
use crate::subscribers::{Reaction, SubscriberError, Subscribers};
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
    store: Arc<dyn EventStore>,
    subscribers: Arc<Subscribers>,
    mode: WriteMode,
    /// Batch mode: one entry per append, kept whole so no append is split across transactions.
    buffer: Arc<Mutex<Vec<Vec<EventEnvelope>>>>,
}

impl EventWriter {
    pub fn new(store: Arc<dyn EventStore>, subscribers: Arc<Subscribers>, mode: WriteMode) -> Self {
        Self {
            store,
            subscribers,
            mode,
            buffer: Arc::default(),
        }
    }

    pub fn mode(&self) -> WriteMode {
        self.mode
    }

    /// Runs the subscribers of every new event, then writes (or buffers) the append and all that
    /// the subscribers added as one unit. Returns every event of the unit, the caller's first.
    pub async fn append(
        &self,
        pending: PendingAppend,
        trace: &TraceContext,
        now: OffsetDateTime,
    ) -> Result<Vec<EventEnvelope>, AppendError> {
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
                            for append in appends {
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
        check_append(&unit)?;
        match self.mode {
            WriteMode::Direct => self.store.append(&unit).await?,
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
            }
        }
        Ok(unit)
    }

    /// Writes what batch mode buffered; a no-op in direct mode. Appends are packed whole into
    /// transactions of at most 100 items: each append is atomic, and so is everything buffered
    /// while it fits one transaction. Past that, earlier transactions stay written if a later
    /// one fails, and the error reaches the caller, never a success.
    pub async fn flush(&self) -> Result<usize, StoreError> {
        let units = std::mem::take(&mut *self.buffer.lock().unwrap_or_else(|e| e.into_inner()));
        let mut written = 0;
        for transaction in pack(units) {
            match self.store.append(&transaction).await {
                Ok(()) => written += transaction.len(),
                // Version 1 taken: the buffered create met an existing stream.
                Err(StoreError::Conflict { streams })
                    if streams.iter().all(|stream| {
                        transaction
                            .iter()
                            .any(|e| e.version == 1 && e.stream() == *stream)
                    }) =>
                {
                    return Err(StoreError::AlreadyExists { streams })
                }
                Err(error) => return Err(error),
            }
        }
        Ok(written)
    }

    /// Drops what batch mode buffered (the invocation failed, so nothing of it may land).
    pub fn discard(&self) {
        self.buffer
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

/// Greedy packing of whole appends into transactions within DynamoDB's item and byte limits.
fn pack(units: Vec<Vec<EventEnvelope>>) -> Vec<Vec<EventEnvelope>> {
    let size = |unit: &[EventEnvelope]| -> usize {
        unit.iter()
            .map(|e| {
                crate::store::item::to_item(e)
                    .map(|i| crate::store::item::item_size(&i))
                    .unwrap_or(0)
            })
            .sum()
    };
    let mut transactions: Vec<Vec<EventEnvelope>> = Vec::new();
    let mut current_bytes = 0;
    for unit in units {
        let unit_bytes = size(&unit);
        match transactions.last_mut() {
            Some(current)
                if current.len() + unit.len() <= MAX_TRANSACTION_ITEMS
                    && current_bytes + unit_bytes <= MAX_TRANSACTION_BYTES =>
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
