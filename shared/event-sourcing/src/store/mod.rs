//! The event store ports, split by capability (events; snapshots; idempotency records;
//! resealing) so an adapter implements what it supports and the compiler says what is missing,
//! and an in-memory adapter of all four.
//!
//! The limits of one atomic append are the adapter's ([`EventStore::limits`]): the core checks
//! an append against whatever limits the store in use states, never against a database's.

use async_trait::async_trait;

use crate::envelope::{EventEnvelope, StreamId};

pub mod memory;

pub use memory::InMemoryEventStore;

/// What one atomic append may hold, as a store states it, and how that store sizes an event.
#[derive(Clone, Copy, Debug)]
pub struct AppendLimits {
    /// Events in one append.
    pub max_events: usize,
    /// Bytes of one stored event.
    pub max_event_bytes: usize,
    /// Bytes of all the events of one append.
    pub max_append_bytes: usize,
    /// An event's size as the store counts it.
    pub event_size: fn(&EventEnvelope) -> Result<usize, StoreError>,
}

impl AppendLimits {
    /// An event's size as its JSON encoding: what a store with no sizing of its own counts.
    pub fn json_size(event: &EventEnvelope) -> Result<usize, StoreError> {
        serde_json::to_vec(event)
            .map(|bytes| bytes.len())
            .map_err(|e| StoreError::Corrupt(format!("event could not be encoded: {e}")))
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    /// Another writer took one of these versions first (optimistic concurrency).
    #[error("concurrent write: a version was already taken in {}", streams_list(.streams))]
    Conflict { streams: Vec<StreamId> },
    /// A conflict on the first version: the stream was already there.
    #[error("{} already exists", streams_list(.streams))]
    AlreadyExists { streams: Vec<StreamId> },
    #[error("an append holds {count} events; the store allows {max}")]
    TooManyItems { count: usize, max: usize },
    #[error("event {stream} v{version} is {size} bytes; the store allows {max} per event")]
    ItemTooLarge {
        stream: StreamId,
        version: u64,
        size: usize,
        max: usize,
    },
    #[error("an append is {size} bytes; the store allows {max}")]
    TransactionTooLarge { size: usize, max: usize },
    #[error("the same version {version} of {stream} appears twice in one append")]
    DuplicateVersion { stream: StreamId, version: u64 },
    #[error("stored event could not be read: {0}")]
    Corrupt(String),
    /// Another request recorded an answer under this idempotency key first; nothing was
    /// written.
    #[error("idempotency key {0} is already taken")]
    KeyTaken(String),
    /// The person's data key was destroyed: nothing more is recorded about them.
    #[error("{0} was erased")]
    Erased(String),
    /// The store did not serve the request: throttled, unreachable, too slow, or failing.
    #[error("event store unavailable ({written}): {reason}")]
    Unavailable { reason: String, written: Written },
}

/// Whether a request that failed may still have written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The store answered with an error, or the request never left: nothing was written.
    Nothing,
    /// The request may have reached the store and its answer was lost (a timeout, a dropped
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

/// The answer recorded under an idempotency key (the HTTP layer's `idempotency` module).
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

    /// What one append may hold ([`check_append`] refuses more before anything is written).
    fn limits(&self) -> AppendLimits;

    /// At most `page.limit` events of the stream, in the page's order, past its cursor: what a
    /// history page shows. By default read from the whole stream; an adapter that can read a
    /// range of versions reads only the page.
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
    /// makes them. A store that keeps events as given has nothing to do; one that seals
    /// personal data opens it here.
    async fn open(&self, events: Vec<EventEnvelope>) -> Result<Vec<EventEnvelope>, StoreError> {
        Ok(events)
    }
}

/// Snapshots kept beside the streams, so a read need not replay every event.
#[async_trait]
pub trait SnapshotStore: EventStore {
    /// The latest snapshot and the events after it, in one request where the stream's events
    /// since the snapshot fit one read of its end (they do while commands keep snapshots
    /// [`SNAPSHOT_EVERY`] events apart). Without a snapshot: the whole stream.
    async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError>;

    /// Stores the stream's snapshot in place of an older one; an older snapshot never replaces
    /// a newer one. Only ever called after the events it folds are written.
    async fn save_snapshot(&self, stream: &StreamId, snapshot: &Snapshot)
        -> Result<(), StoreError>;
}

/// Answers recorded under idempotency keys, written atomically with a request's events.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
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
}

/// The one mutation of stored events: sealing personal data written before sealing existed.
#[async_trait]
pub trait ResealStore: Send + Sync {
    /// The stream's events exactly as stored (personal data still sealed).
    async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError>;

    /// Overwrites a stored event's payload with `event`'s (same stream, version and id).
    async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError>;
}

/// What the command path needs of a store: events, snapshots and idempotency records.
pub trait CommandStore: SnapshotStore + IdempotencyStore {}

impl<S: SnapshotStore + IdempotencyStore + ?Sized> CommandStore for S {}

/// Every capability: what a deployment's store offers (the DynamoDB and in-memory adapters,
/// and the sealing layer over them).
pub trait Storage: CommandStore + ResealStore {}

impl<S: CommandStore + ResealStore + ?Sized> Storage for S {}

/// The checks every adapter makes before writing, against its own limits, so a bad append
/// fails the same way on each and nothing of it is written.
pub fn check_append(events: &[EventEnvelope], limits: &AppendLimits) -> Result<(), StoreError> {
    if events.len() > limits.max_events {
        return Err(StoreError::TooManyItems {
            count: events.len(),
            max: limits.max_events,
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
        let size = (limits.event_size)(event)?;
        if size > limits.max_event_bytes {
            return Err(StoreError::ItemTooLarge {
                stream: event.stream(),
                version: event.version,
                size,
                max: limits.max_event_bytes,
            });
        }
        total += size;
    }
    if total > limits.max_append_bytes {
        return Err(StoreError::TransactionTooLarge {
            size: total,
            max: limits.max_append_bytes,
        });
    }
    Ok(())
}
