//! Load, decide, append: the one path every command takes.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::envelope::{DomainEvent, EventEnvelope, NewEvent, PendingAppend, StreamId};
use crate::store::{EventStore, Snapshot, StoreError, SNAPSHOT_EVERY};
use crate::trace::TraceContext;
use crate::writer::{AppendError, EventWriter};

/// An aggregate's state and its one `evolve`.
pub trait Aggregate:
    Default + Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static
{
    /// The stream prefix, e.g. `contact` in `contact#<id>`.
    const TYPE: &'static str;
    /// The shape of this state's snapshots: raise it whenever the state's fields or `evolve`
    /// change, and every stored snapshot of another shape is ignored (and replaced by the next
    /// command). `None` for a partial view of another aggregate's stream (that aggregate owns
    /// the stream's snapshot): it reads the whole stream.
    const SNAPSHOT_SHAPE: Option<u32>;
    type Event: DomainEvent + Send + Sync;

    fn evolve(self, event: &Self::Event) -> Self;

    /// The state after these events: the "given" of a given/when/then test.
    fn from_events<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self
    where
        Self::Event: 'a,
    {
        events.into_iter().fold(Self::default(), Self::evolve)
    }

    fn stream(id: &str) -> StreamId {
        StreamId::new(Self::TYPE, id)
    }
}

/// A state folded from its stream, and the version it was folded at (0: no events).
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded<A> {
    pub state: A,
    pub version: u64,
}

impl<A: Aggregate> Default for Loaded<A> {
    fn default() -> Self {
        Self {
            state: A::default(),
            version: 0,
        }
    }
}

pub fn fold<A: Aggregate>(events: &[EventEnvelope]) -> Result<Loaded<A>, StoreError> {
    fold_onto(Loaded::default(), events)
}

/// `loaded` with the events after it folded in.
fn fold_onto<A: Aggregate>(
    mut loaded: Loaded<A>,
    events: &[EventEnvelope],
) -> Result<Loaded<A>, StoreError> {
    for envelope in events {
        let event: A::Event = envelope.decode().map_err(|e| {
            StoreError::Corrupt(format!(
                "{} v{} ({}): {e}",
                envelope.stream(),
                envelope.version,
                envelope.event_type
            ))
        })?;
        loaded.state = loaded.state.evolve(&event);
        loaded.version = envelope.version;
    }
    Ok(loaded)
}

/// A state as loaded, and the version of the snapshot it was restored from (0: none).
#[derive(Clone, Debug, PartialEq)]
pub struct Latest<A> {
    pub loaded: Loaded<A>,
    pub snapshot_at: u64,
}

impl<A: Aggregate> Default for Latest<A> {
    fn default() -> Self {
        Self {
            loaded: Loaded::default(),
            snapshot_at: 0,
        }
    }
}

impl<A: Aggregate> Latest<A> {
    /// The whole stream folded, no snapshot.
    fn folded(events: &[EventEnvelope]) -> Result<Self, StoreError> {
        Ok(Self {
            loaded: fold(events)?,
            snapshot_at: 0,
        })
    }
}

/// The aggregate as it is now: its snapshot, if one of the current shape is stored, with the
/// events after it folded in; otherwise the whole stream folded.
pub async fn load_latest<A: Aggregate>(
    store: &dyn EventStore,
    stream: &StreamId,
) -> Result<Latest<A>, StoreError> {
    let Some(shape) = A::SNAPSHOT_SHAPE else {
        return Latest::folded(&store.load(stream).await?);
    };
    let tail = store.load_tail(stream).await?;
    let Some(snapshot) = tail.snapshot else {
        return Latest::folded(&tail.events);
    };
    let restored = (snapshot.shape == shape)
        .then(|| serde_json::from_str::<A>(&snapshot.state).ok())
        .flatten();
    match restored {
        Some(state) => Ok(Latest {
            loaded: fold_onto(
                Loaded {
                    state,
                    version: snapshot.version,
                },
                &tail.events,
            )?,
            snapshot_at: snapshot.version,
        }),
        // Another shape, or unreadable: the stream alone says what the state is.
        None => Latest::folded(&store.load(stream).await?),
    }
}

/// A snapshot of `state` at `version`, if the stream has run [`SNAPSHOT_EVERY`] events past
/// the one it was loaded from.
pub fn snapshot_due<A: Aggregate>(state: &A, version: u64, snapshot_at: u64) -> Option<Snapshot> {
    let shape = A::SNAPSHOT_SHAPE?;
    if version.saturating_sub(snapshot_at) < SNAPSHOT_EVERY {
        return None;
    }
    Some(Snapshot {
        version,
        shape,
        state: serde_json::to_string(state).ok()?,
    })
}

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

/// Everything one invocation needs: the store to read, the writer to append, who asked, and when.
#[derive(Clone)]
pub struct Invocation {
    pub store: Arc<dyn EventStore>,
    /// People's data keys (see `crate::personal`).
    pub keys: Arc<dyn crate::personal::KeyStore>,
    /// Read models, for query slices.
    pub views: Arc<dyn crate::projection::ProjectionStore>,
    /// What list cursors are sealed with.
    pub cursors: crate::projection::query::CursorKey,
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

impl Invocation {
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
