//! Policies: synchronous subscribers that run before an append is written, able to veto it or to add events
//! to other streams that then land in the same transaction.
//!
//! Slices write them as a [`Policy`]: a typed trigger, the streams it reads, and a pure rule.
//! Decoding, loading at a version and encoding are done once, here.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;

use crate::aggregate::{load_latest, snapshot_due, Aggregate, Latest};

use crate::envelope::{EventEnvelope, NewEvent, PendingAppend, StreamId};
use crate::error::ErrorKind;
use crate::store::{SnapshotStore, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub enum Reaction {
    /// Nothing to add.
    Proceed,
    /// Veto the whole append.
    Cancel { kind: ErrorKind, reason: String },
    /// Append these too, atomically with the event that caused them. `expected_version` is the
    /// version the subscriber read, so a concurrent change to that stream is a conflict.
    Append(Vec<PendingAppend>),
}

impl Reaction {
    pub fn cancel(reason: impl Into<String>) -> Self {
        Reaction::Cancel {
            kind: ErrorKind::Conflict,
            reason: reason.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubscriberError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Failed(String),
}

#[async_trait]
pub trait Subscriber: Send + Sync {
    /// Names the subscriber in the trace of the events it adds.
    fn name(&self) -> &'static str;

    async fn react(
        &self,
        event: &EventEnvelope,
        store: &dyn SnapshotStore,
    ) -> Result<Reaction, SubscriberError>;
}

/// Subscribers by the event type they listen to.
#[derive(Clone, Default)]
pub struct Subscribers {
    by_type: HashMap<String, Vec<Arc<dyn Subscriber>>>,
}

impl Subscribers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on(mut self, event_type: &str, subscriber: impl Subscriber + 'static) -> Self {
        self.by_type
            .entry(event_type.to_owned())
            .or_default()
            .push(Arc::new(subscriber));
        self
    }

    /// Runs `policy` before each append of its trigger's event type.
    pub fn policy<P: Policy>(self, policy: P) -> Self {
        self.on(P::TRIGGER, Typed(policy))
    }

    /// Both sets, for a process that serves several slices (tests, a local router). A
    /// subscriber several slices name (one rule for each command that triggers it) runs once.
    pub fn merge(mut self, other: Subscribers) -> Self {
        for (event_type, subscribers) in other.by_type {
            let known = self.by_type.entry(event_type).or_default();
            for subscriber in subscribers {
                if !known.iter().any(|k| k.name() == subscriber.name()) {
                    known.push(subscriber);
                }
            }
        }
        self
    }

    pub fn for_type(&self, event_type: &str) -> &[Arc<dyn Subscriber>] {
        self.by_type
            .get(event_type)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// A refusal by a policy: the whole append is cancelled, and the caller told why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub kind: ErrorKind,
    pub reason: String,
}

impl Refusal {
    pub fn new(kind: ErrorKind, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
        }
    }
}

/// A rule between streams, typed as `View` is for projections: when an event of type
/// [`Policy::TRIGGER`] is appended, read the target streams it names and decide what to record
/// on each, in the same transaction, at the version read (so a concurrent change to a target is
/// a conflict and nothing is written).
pub trait Policy: Send + Sync + 'static {
    /// Names it in the trace of the events it adds.
    const NAME: &'static str;
    /// The stored event type it listens to, and that event's payload.
    const TRIGGER: &'static str;
    type Trigger: DeserializeOwned + Send;
    /// The streams it records on.
    type Target: Aggregate;

    /// The ids of the target streams to read; empty when there is nothing to do, a refusal
    /// when the trigger alone decides it.
    fn targets(&self, trigger: &Self::Trigger) -> Result<Vec<String>, Refusal>;

    /// The rule: what to record on one target, as it stands (empty: nothing).
    fn decide(
        &self,
        trigger: &Self::Trigger,
        target: &Self::Target,
        target_id: &str,
    ) -> Result<Vec<<Self::Target as Aggregate>::Event>, Refusal>;
}

/// Runs a [`Policy`] as a [`Subscriber`].
struct Typed<P>(P);

#[async_trait]
impl<P: Policy> Subscriber for Typed<P> {
    fn name(&self) -> &'static str {
        P::NAME
    }

    async fn react(
        &self,
        event: &EventEnvelope,
        store: &dyn SnapshotStore,
    ) -> Result<Reaction, SubscriberError> {
        let trigger: P::Trigger = serde_json::from_value(event.payload.clone())
            .map_err(|e| SubscriberError::Failed(format!("unreadable {}: {e}", P::TRIGGER)))?;
        let targets = match self.0.targets(&trigger) {
            Ok(targets) => targets,
            Err(refusal) => return Ok(refusal.into()),
        };
        let mut appends = Vec::new();
        for target_id in targets {
            let stream = StreamId::new(<P::Target as Aggregate>::TYPE, &target_id);
            let Latest {
                loaded: target,
                snapshot_at,
            } = load_latest::<P::Target>(store, &stream).await?;
            let decided = match self.0.decide(&trigger, &target.state, &target_id) {
                Ok(decided) => decided,
                Err(refusal) => return Ok(refusal.into()),
            };
            if decided.is_empty() {
                continue;
            }
            let events = decided
                .iter()
                .map(NewEvent::from_domain)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| SubscriberError::Failed(e.to_string()))?;
            let version = target.version + decided.len() as u64;
            let after = decided.iter().fold(target.state, |s, e| s.evolve(e));
            appends.push(PendingAppend {
                stream,
                expected_version: target.version,
                events,
                snapshot: snapshot_due(&after, version, snapshot_at),
            });
        }
        Ok(if appends.is_empty() {
            Reaction::Proceed
        } else {
            Reaction::Append(appends)
        })
    }
}

impl From<Refusal> for Reaction {
    fn from(refusal: Refusal) -> Self {
        Reaction::Cancel {
            kind: refusal.kind,
            reason: refusal.reason,
        }
    }
}
