//! The event-sourcing core of EventCRM.
//!
//! It knows events, streams, stores, policies and projections, never contacts, clients or
//! cases, and no database, HTTP, cloud or cipher: every aggregate plugs in through
//! [`Aggregate`] and [`DomainEvent`], every store through the ports in [`store`] and
//! [`projection`], and the in-memory adapters here run the whole write and read path in a test.
//!
//! # An aggregate
//!
//! State, events and one `evolve`; a use case is a pure `decide` from state and command to events.
//!
//! ```
//! use event_sourcing::{Aggregate, DomainEvent};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
//! #[serde(tag = "eventType", content = "payload")]
//! pub enum CounterEvent {
//!     Incremented { by: u32 },
//! }
//! impl DomainEvent for CounterEvent {}
//!
//! #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
//! pub struct Counter {
//!     pub total: u32,
//! }
//!
//! impl Aggregate for Counter {
//!     const TYPE: &'static str = "counter";
//!     const SNAPSHOT_SHAPE: Option<u32> = Some(1);
//!     type Event = CounterEvent;
//!
//!     fn evolve(self, event: &CounterEvent) -> Self {
//!         match event {
//!             CounterEvent::Incremented { by } => Counter { total: self.total + by },
//!         }
//!     }
//! }
//!
//! /// The use case: refuse to pass 10.
//! pub fn increment(state: &Counter, by: u32) -> Result<Vec<CounterEvent>, String> {
//!     if state.total + by > 10 {
//!         return Err(format!("{} + {by} passes 10", state.total));
//!     }
//!     Ok(vec![CounterEvent::Incremented { by }])
//! }
//!
//! let state = Counter::from_events(&[CounterEvent::Incremented { by: 4 }]);
//! assert_eq!(increment(&state, 3), Ok(vec![CounterEvent::Incremented { by: 3 }]));
//! assert!(increment(&state, 7).is_err());
//! ```
//!
//! # A decide test
//!
//! With the `testing` feature, `testing::given` reads as the rule does (here the counter
//! above, from this crate's examples):
//!
//! ```
//! # mod aggregate { include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/counter/aggregate.rs")); }
//! use aggregate::{increment, Counter, CounterEvent::Incremented};
//! use event_sourcing::testing::given;
//!
//! given::<Counter>([Incremented { by: 4 }])
//!     .when(|state| increment(state, 3))
//!     .then([Incremented { by: 3 }]);
//! given::<Counter>([Incremented { by: 4 }])
//!     .when(|state| increment(state, 7))
//!     .then_error("4 + 7 passes 10".to_owned());
//! ```
//!
//! # A command, then a projection
//!
//! The [`CommandService`] loads the stream, decides and appends at the version it read (a lost
//! race is a conflict, never a lost write); the projection [`projection::Consumer`] folds the
//! appended events into a read model, as the stream consumer does with DynamoDB Streams.
//!
//! ```
//! # mod aggregate { include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/counter/aggregate.rs")); }
//! # mod view { include!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/counter/view.rs")); }
//! use std::sync::Arc;
//! use aggregate::{increment, Counter};
//! use event_sourcing::projection::{InMemoryProjectionStore, ItemKey, ProjectionStore};
//! use event_sourcing::{CommandService, Expected, InMemoryEventStore};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let events = Arc::new(InMemoryEventStore::new());
//! let service = CommandService::direct(events.clone());
//! let outcome = service
//!     .execute::<Counter, _>("c-1", Expected::Any, |state| increment(state, 4))
//!     .await
//!     .unwrap();
//! assert_eq!((outcome.state.total, outcome.version), (4, 1));
//!
//! let views = Arc::new(InMemoryProjectionStore::new());
//! let consumer = view::consumer(views.clone(), events.clone());
//! let report = consumer.process(view::records(&outcome.events)).await;
//! assert!(report.failed.is_empty());
//! let stored = views.get(&ItemKey::new("counter#c-1", "total")).await.unwrap();
//! assert_eq!(stored.view.unwrap()["total"], 4);
//! # }
//! ```

pub mod aggregate;
pub mod envelope;
pub mod error;
pub mod patch;
pub mod personal;
pub mod policy;
pub mod projection;
pub mod service;
pub mod store;
pub mod trace;
pub mod writer;

#[cfg(feature = "testing")]
pub mod testing;

pub use aggregate::{Aggregate, Loaded};
pub use envelope::{DomainEvent, EventEnvelope, NewEvent, PendingAppend, StreamId};
pub use error::{DomainError, ErrorKind};
pub use patch::Patch;
pub use personal::PersonalData;
pub use policy::{Policy, Reaction, Refusal, Subscriber, Subscribers};
pub use service::{AsOf, CommandError, CommandOutcome, CommandService, Expected, ReadError};
pub use store::{CommandStore, EventStore, InMemoryEventStore, StoreError};
pub use trace::TraceContext;
pub use writer::{AppendError, EventWriter, WriteMode};
