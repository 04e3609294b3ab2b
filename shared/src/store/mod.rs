//! The event store port, its limits, and two adapters with the same semantics.

use async_trait::async_trait;

use crate::envelope::{EventEnvelope, StreamId};

pub mod dynamo;
pub mod item;
pub mod memory;

pub use dynamo::DynamoEventStore;
pub use memory::InMemoryEventStore;

/// DynamoDB's TransactWriteItems limit on items.
pub const MAX_TRANSACTION_ITEMS: usize = 100;
/// DynamoDB's TransactWriteItems limit on the summed size of the items.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;
/// DynamoDB's limit on one item.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    /// Another writer took one of these versions first (optimistic concurrency).
    #[error("concurrent write: a version was already taken in {}", streams_list(.streams))]
    Conflict { streams: Vec<StreamId> },
    /// A conflict on the first version: the stream was already there.
    #[error("{} already exists", streams_list(.streams))]
    AlreadyExists { streams: Vec<StreamId> },
    #[error("a transaction holds {count} events; DynamoDB allows {max}")]
    TooManyItems { count: usize, max: usize },
    #[error("event {stream} v{version} is {size} bytes; DynamoDB allows {max} per item")]
    ItemTooLarge {
        stream: StreamId,
        version: u64,
        size: usize,
        max: usize,
    },
    #[error("a transaction is {size} bytes; DynamoDB allows {max}")]
    TransactionTooLarge { size: usize, max: usize },
    #[error("the same version {version} of {stream} appears twice in one append")]
    DuplicateVersion { stream: StreamId, version: u64 },
    #[error("stored event could not be read: {0}")]
    Corrupt(String),
    /// Another request recorded an answer under this idempotency key first; nothing was
    /// written.
    #[error("idempotency key {0} is already taken")]
    KeyTaken(String),
    /// DynamoDB did not serve the request: throttled, unreachable, too slow, or failing.
    /// The person's data key was destroyed: nothing more is recorded about them.
    #[error("{0} was erased")]
    Erased(String),
    #[error("event store unavailable ({written}): {reason}")]
    Unavailable { reason: String, written: Written },
}

/// Whether a request that failed may still have written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// DynamoDB answered with an error, or the request never left: nothing was written.
    Nothing,
    /// The request may have reached DynamoDB and its answer was lost (a timeout, a dropped
    /// connection): the write may have happened.
    Unknown,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Written::Nothing => "nothing written",
            Written::Unknown => "may have been written",
        })
    }
}

fn streams_list(streams: &[StreamId]) -> String {
    streams
        .iter()
        .map(StreamId::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answer recorded under an idempotency key (see `crate::idempotency`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub key: String,
    /// What the request was, hashed: the same key with another request is refused.
    pub fingerprint: String,
    /// The answer, as the HTTP layer serialized it.
    pub answer: String,
    /// Unix seconds: when it was recorded, and after which it is void (DynamoDB's TTL
    /// deletes it some time later; a void record may be replaced).
    pub recorded_at: i64,
    pub expires_at: i64,
}

/// How many events a stream may run past its snapshot before a command stores a new one, and
/// so how many of its latest events one read of the stream's end returns beside the snapshot.
pub const SNAPSHOT_EVERY: u64 = 8;

/// A stream's state folded up to `version`, stored beside the stream so that reading it does
/// not replay every event. Never an event: safe to lose (the stream alone rebuilds it) and
/// ignored when its `shape` is not the aggregate's current one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub version: u64,
    /// The aggregate's snapshot shape when it was taken (see `Aggregate::SNAPSHOT_SHAPE`).
    pub shape: u32,
    /// The serialized state (sealed, by a store that seals personal data).
    pub state: String,
}

/// The end of a stream: its latest snapshot, if any, and every event after it (with no
/// snapshot, every event of the stream).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StreamTail {
    pub snapshot: Option<Snapshot>,
    pub events: Vec<EventEnvelope>,
}

impl StreamTail {
    /// A stream read whole: no snapshot, every event.
    pub fn whole(events: Vec<EventEnvelope>) -> Self {
        Self {
            snapshot: None,
            events,
        }
    }
}

/// Which of a stream's events one page of it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageOf {
    /// Newest first (from the end) instead of oldest first.
    pub newest_first: bool,
    /// Only events past this version, in the page's direction (a cursor).
    pub past: Option<u64>,
    pub limit: usize,
}

impl PageOf {
    /// Whether an event at `version` lies past the page's cursor.
    pub fn admits(&self, version: u64) -> bool {
        match (self.past, self.newest_first) {
            (None, _) => true,
            (Some(past), false) => version > past,
            (Some(past), true) => version < past,
        }
    }
}

/// Append-only storage of event streams.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Every event of the stream in version order, read strongly consistently.
    async fn load(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError>;

    /// Writes all events in one atomic step (they may span streams). Each (stream, version) must
    /// be free, so a lost race surfaces as [`StoreError::Conflict`] and nothing is written.
    async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError>;

    /// The record under an idempotency key, unless there is none or it expired by `now`
    /// (Unix seconds).
    async fn recorded(&self, key: &str, now: i64) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// Appends `events` (possibly none) and stores `record`, in one atomic step, if no record
    /// holds its key yet ([`StoreError::KeyTaken`] otherwise, and nothing is written).
    async fn append_recorded(
        &self,
        events: &[EventEnvelope],
        record: &IdempotencyRecord,
    ) -> Result<(), StoreError>;

    /// The latest snapshot and the events after it, in one request where the stream's events
    /// since the snapshot fit one read of its end (they do while commands keep snapshots
    /// [`SNAPSHOT_EVERY`] events apart). Without snapshots: the whole stream.
    async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError> {
        Ok(StreamTail::whole(self.load(stream).await?))
    }

    /// Stores the stream's snapshot in place of an older one; an older snapshot never replaces
    /// a newer one. Only ever called after the events it folds are written.
    async fn save_snapshot(
        &self,
        stream: &StreamId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let _ = (stream, snapshot);
        Ok(())
    }

    /// At most `page.limit` events of the stream, in the page's order, past its cursor: what a
    /// history page shows, read without the rest of the stream.
    async fn load_page(
        &self,
        stream: &StreamId,
        page: PageOf,
    ) -> Result<Vec<EventEnvelope>, StoreError> {
        let mut events = self.load(stream).await?;
        if page.newest_first {
            events.reverse();
        }
        events.retain(|e| page.admits(e.version));
        events.truncate(page.limit);
        Ok(events)
    }

    /// Events as read from elsewhere (a DynamoDB stream, a scan) made readable as `load`
    /// makes them: a store that seals personal data opens it here.
    async fn open(&self, events: Vec<EventEnvelope>) -> Result<Vec<EventEnvelope>, StoreError> {
        Ok(events)
    }

    /// The stream's events exactly as stored (personal data still sealed).
    async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        self.load(stream).await
    }

    /// Overwrites a stored event's payload with `event`'s (same stream, version and id): the
    /// one mutation of stored events, and only to seal personal data written before sealing
    /// existed (`crate::personal::seal_stored`).
    async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError> {
        Err(StoreError::Corrupt(format!(
            "{} v{}: this store cannot rewrite events",
            event.stream(),
            event.version
        )))
    }
}

/// The checks both adapters make before writing, so a bad append fails the same way on each.
pub fn check_append(events: &[EventEnvelope]) -> Result<(), StoreError> {
    if events.len() > MAX_TRANSACTION_ITEMS {
        return Err(StoreError::TooManyItems {
            count: events.len(),
            max: MAX_TRANSACTION_ITEMS,
        });
    }
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for event in events {
        if !seen.insert((event.stream(), event.version)) {
            return Err(StoreError::DuplicateVersion {
                stream: event.stream(),
                version: event.version,
            });
        }
        let size = item::item_size(&item::to_item(event)?);
        if size > MAX_ITEM_BYTES {
            return Err(StoreError::ItemTooLarge {
                stream: event.stream(),
                version: event.version,
                size,
                max: MAX_ITEM_BYTES,
            });
        }
        total += size;
    }
    if total > MAX_TRANSACTION_BYTES {
        return Err(StoreError::TransactionTooLarge {
            size: total,
            max: MAX_TRANSACTION_BYTES,
        });
    }
    Ok(())
}
