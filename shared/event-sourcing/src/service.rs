//! The command service: load, decide, append, the one path every command takes; and reads of
//! one record as it is or as it was.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::aggregate::{fold, load_latest, snapshot_due, Aggregate, Latest, Loaded};
use crate::envelope::{EventEnvelope, NewEvent, PendingAppend, StreamId};
use crate::store::{CommandStore, StoreError};
use crate::trace::{TraceContext, TraceHints};
use crate::writer::{AppendError, EventWriter, WriteMode};

/// What the caller expects of the stream before the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// The stream must not exist; nothing is read (a taken id surfaces as a conflict on write).
    New,
    /// Whatever the current version is.
    Any,
    /// Exactly this version (from `If-Match`).
    Version(u64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommandOutcome<A: Aggregate> {
    pub state: A,
    pub version: u64,
    pub events: Vec<EventEnvelope>,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError<E> {
    #[error(transparent)]
    Domain(E),
    #[error("{stream} is at version {actual}, not the expected {expected}")]
    VersionMismatch {
        stream: StreamId,
        expected: u64,
        actual: u64,
    },
    #[error("{0} already exists")]
    AlreadyExists(StreamId),
    #[error(transparent)]
    Append(AppendError),
    #[error(transparent)]
    Load(StoreError),
    #[error("event could not be encoded: {0}")]
    Encode(serde_json::Error),
}

/// The application service of one request: the store to read, the writer to append, who
/// asked, and when. Every command takes [`CommandService::execute`]; every read of one record
/// [`CommandService::load`] or [`CommandService::load_as_of`].
#[derive(Clone)]
pub struct CommandService {
    pub store: Arc<dyn CommandStore>,
    pub writer: EventWriter,
    pub trace: TraceContext,
    pub now: OffsetDateTime,
}

/// A point in a stream's past: just after its N-th event, or as it stood at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOf {
    Version(u64),
    Instant(OffsetDateTime),
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("version {asked} is beyond the current version {current}")]
    Beyond { asked: u64, current: u64 },
}

impl CommandService {
    /// A service on this store that writes at once, runs no subscribers and traces as
    /// `source`: what an example or a script needs.
    pub fn direct(store: Arc<dyn CommandStore>) -> Self {
        let now = OffsetDateTime::now_utc();
        Self {
            writer: EventWriter::new(store.clone(), Arc::default(), WriteMode::Direct),
            store,
            trace: TraceContext::from_hints(&TraceHints::default(), now),
            now,
        }
    }

    /// The aggregate as it was at `as_of` (as it is, when `None`): the events up to that point
    /// folded, with the version of the last of them (0: it did not exist yet).
    pub async fn load_as_of<A: Aggregate>(
        &self,
        id: &str,
        as_of: Option<AsOf>,
    ) -> Result<Loaded<A>, ReadError> {
        let Some(as_of) = as_of else {
            return Ok(self.load(id).await?);
        };
        // The past is read from the events themselves (a snapshot holds only the present).
        let events = self.store.load(&A::stream(id)).await?;
        let current = events.last().map_or(0, |e| e.version);
        let occurred = |e: &EventEnvelope| {
            OffsetDateTime::parse(
                &e.occurred_at,
                &time::format_description::well_known::Rfc3339,
            )
            .ok()
        };
        let count = match as_of {
            AsOf::Version(asked) if asked > current => {
                return Err(ReadError::Beyond { asked, current })
            }
            AsOf::Version(asked) => events.iter().take_while(|e| e.version <= asked).count(),
            AsOf::Instant(at) => events
                .iter()
                .take_while(|e| occurred(e).is_some_and(|t| t <= at))
                .count(),
        };
        Ok(fold(events.get(..count).unwrap_or_default())?)
    }

    /// The aggregate as it is now: its snapshot, if one of the current shape is stored, with
    /// the events after it folded in.
    pub async fn load<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, StoreError> {
        Ok(load_latest::<A>(self.store.as_ref(), &A::stream(id))
            .await?
            .loaded)
    }

    /// Loads the stream (unless it must be new), checks the expected version, decides, and
    /// appends the decided events right after the version it read.
    pub async fn execute<A, E>(
        &self,
        id: &str,
        expected: Expected,
        decide: impl FnOnce(&A) -> Result<Vec<A::Event>, E>,
    ) -> Result<CommandOutcome<A>, CommandError<E>>
    where
        A: Aggregate,
    {
        let stream = A::stream(id);
        let Latest {
            loaded,
            snapshot_at,
        } = match expected {
            Expected::New => Latest::default(),
            _ => load_latest::<A>(self.store.as_ref(), &stream)
                .await
                .map_err(CommandError::Load)?,
        };
        if let Expected::Version(version) = expected {
            if version != loaded.version {
                return Err(CommandError::VersionMismatch {
                    stream,
                    expected: version,
                    actual: loaded.version,
                });
            }
        }
        let decided = decide(&loaded.state).map_err(CommandError::Domain)?;
        if decided.is_empty() {
            return Ok(CommandOutcome {
                state: loaded.state,
                version: loaded.version,
                events: Vec::new(),
            });
        }
        let new_events = decided
            .iter()
            .map(NewEvent::from_domain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(CommandError::Encode)?;
        let state = decided.iter().fold(loaded.state, |s, e| s.evolve(e));
        let version = loaded.version + decided.len() as u64;
        let pending = PendingAppend {
            stream: stream.clone(),
            expected_version: loaded.version,
            events: new_events,
            snapshot: snapshot_due(&state, version, snapshot_at),
        };
        let written = match self.writer.append(pending, &self.trace, self.now).await {
            Ok(written) => written,
            Err(AppendError::Store(StoreError::Conflict { streams }))
                if expected == Expected::New && streams.contains(&stream) =>
            {
                return Err(CommandError::AlreadyExists(stream))
            }
            Err(e) => return Err(CommandError::Append(e)),
        };
        Ok(CommandOutcome {
            state,
            version,
            events: written,
        })
    }
}
