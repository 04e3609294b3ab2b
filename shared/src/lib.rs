//! The event-sourcing core of EventCRM.
//!
//! It knows events, streams, stores and HTTP, never contacts, clients or cases: every aggregate
//! plugs in through [`aggregate::Aggregate`] and [`envelope::DomainEvent`].

// A panic kills a Lambda instance built with `panic=abort`: no unwrap, expect, panic or
// unchecked indexing outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
#![cfg_attr(not(test), deny(clippy::expect_used))]
#![cfg_attr(not(test), deny(clippy::panic))]
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod aggregate;
pub mod auth;
pub mod dynamo_client;
pub mod envelope;
pub mod error;
pub mod history;
pub mod http;
pub mod idempotency;
pub mod personal;
pub mod projection;
pub mod registry;
pub mod runtime;
pub mod store;
pub mod subscribers;
pub mod trace;
pub mod writer;

#[cfg(feature = "testing")]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub mod testing;

pub use aggregate::{Aggregate, CommandOutcome, Expected, Loaded};
pub use dynamo_client::DynamoClient;
pub use envelope::{DomainEvent, EventEnvelope, NewEvent, PendingAppend, StreamId};
pub use error::{DomainError, ErrorKind};
pub use store::{EventStore, StoreError};
pub use subscribers::{Reaction, Subscriber, Subscribers};
pub use trace::TraceContext;
pub use writer::{AppendError, EventWriter, WriteMode};
