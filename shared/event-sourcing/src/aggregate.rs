//! An aggregate: its state, its one `evolve`, and how its state is folded from its stream
//! (from the latest snapshot when there is one).

use crate::envelope::{DomainEvent, EventEnvelope, StreamId};
use crate::store::{Snapshot, SnapshotStore, StoreError, SNAPSHOT_EVERY};

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

    /// Whether a load reads the stream's end (its snapshot and the events after it) instead of
    /// the whole stream: for an aggregate that stores snapshots, and for a view of another
    /// aggregate's stream that can [`Aggregate::restore`] itself from that one's snapshots.
    const READS_SNAPSHOTS: bool = Self::SNAPSHOT_SHAPE.is_some();

    fn evolve(self, event: &Self::Event) -> Self;

    /// This state from the stream's stored snapshot, if it can be read as one: by default, a
    /// snapshot of this aggregate's current shape. A view of another aggregate's stream may
    /// read that aggregate's snapshots (it never stores one); `None` folds the whole stream.
    fn restore(snapshot: &Snapshot) -> Option<Self> {
        if Some(snapshot.shape) != Self::SNAPSHOT_SHAPE {
            return None;
        }
        serde_json::from_str(&snapshot.state).ok()
    }

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
pub fn fold_onto<A: Aggregate>(
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
    pub fn folded(events: &[EventEnvelope]) -> Result<Self, StoreError> {
        Ok(Self {
            loaded: fold(events)?,
            snapshot_at: 0,
        })
    }
}

/// The aggregate as it is now: its snapshot, if one of the current shape is stored, with the
/// events after it folded in; otherwise the whole stream folded.
pub async fn load_latest<A: Aggregate>(
    store: &dyn SnapshotStore,
    stream: &StreamId,
) -> Result<Latest<A>, StoreError> {
    if !A::READS_SNAPSHOTS {
        return Latest::folded(&store.load(stream).await?);
    }
    let tail = store.load_tail(stream).await?;
    let Some(snapshot) = tail.snapshot else {
        return Latest::folded(&tail.events);
    };
    match A::restore(&snapshot) {
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
