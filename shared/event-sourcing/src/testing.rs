//! given/when/then for `decide` tests.

// A test kit fails the test that uses it as a test would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// A `decide` specification: given these events, when this command is decided, then these
/// events (or this refusal).
///
/// ```
/// # use event_sourcing::testing::given;
/// # use event_sourcing::{Aggregate, DomainEvent};
/// # #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # #[serde(tag = "eventType", content = "payload")]
/// # enum CounterEvent { Added(u32) }
/// # impl DomainEvent for CounterEvent {}
/// # #[derive(Clone, Default, serde::Serialize, serde::Deserialize)] struct Counter(u32);
/// # impl Aggregate for Counter {
/// #     const TYPE: &'static str = "counter";
/// #     const SNAPSHOT_SHAPE: Option<u32> = Some(1);
/// #     type Event = CounterEvent;
/// #     fn evolve(self, CounterEvent::Added(n): &CounterEvent) -> Self { Counter(self.0 + n) }
/// # }
/// fn add(state: &Counter, n: u32) -> Result<Vec<CounterEvent>, String> {
///     if state.0 + n > 10 { return Err("full".into()) }
///     Ok(vec![CounterEvent::Added(n)])
/// }
/// given::<Counter>([CounterEvent::Added(9)]).when(|s| add(s, 1)).then([CounterEvent::Added(1)]);
/// given::<Counter>([CounterEvent::Added(9)]).when(|s| add(s, 2)).then_error("full".to_owned());
/// ```
pub fn given<A: crate::Aggregate>(events: impl IntoIterator<Item = A::Event>) -> Given<A> {
    let events: Vec<A::Event> = events.into_iter().collect();
    Given {
        state: A::from_events(&events),
    }
}

pub struct Given<A> {
    pub state: A,
}

impl<A: crate::Aggregate> Given<A> {
    pub fn when<E>(self, decide: impl FnOnce(&A) -> Result<Vec<A::Event>, E>) -> Then<A::Event, E> {
        Then(decide(&self.state))
    }
}

/// What `decide` answered; each `then` asserts it.
pub struct Then<Event, E>(pub Result<Vec<Event>, E>);

impl<Event: std::fmt::Debug + PartialEq, E: std::fmt::Debug + PartialEq> Then<Event, E> {
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = Event>) {
        let expected: Vec<Event> = expected.into_iter().collect();
        assert_eq!(self.0, Ok(expected));
    }

    /// Nothing to record (an idempotent no-op).
    #[track_caller]
    pub fn then_nothing(self) {
        assert_eq!(self.0, Ok(Vec::new()));
    }

    #[track_caller]
    pub fn then_error(self, expected: E) {
        assert_eq!(self.0, Err(expected));
    }
}
