//! Synchronous subscribers: run before an append is written, able to veto it or to add events
//! to other streams that then land in the same transaction.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::envelope::{EventEnvelope, PendingAppend};
use crate::store::{EventStore, StoreError};

/// How an HTTP client should read a refusal; mapped to a status code in `http::problem` only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed or invalid input (400).
    Invalid,
    /// The thing addressed does not exist (404).
    NotFound,
    /// The current state forbids it (409).
    Conflict,
    /// Well-formed, but refers to something unusable (422).
    Unprocessable,
}

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
        store: &dyn EventStore,
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

    /// Both sets, for a process that serves several slices (tests, a local router).
    pub fn merge(mut self, other: Subscribers) -> Self {
        for (event_type, subscribers) in other.by_type {
            self.by_type
                .entry(event_type)
                .or_default()
                .extend(subscribers);
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
