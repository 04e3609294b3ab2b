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
/// `event` as the store holds it: version `version` of stream `aggregate#id`, recorded at
/// `at` (a fresh event id, a trace of its own, nothing sealed).
pub fn recorded<E: crate::DomainEvent>(
    aggregate: &str,
    id: &str,
    version: u64,
    event: &E,
    at: time::OffsetDateTime,
) -> crate::EventEnvelope {
    let (event_type, payload) = event.encode().expect("the event encodes");
    crate::EventEnvelope {
        aggregate_type: aggregate.into(),
        aggregate_id: id.into(),
        version,
        event_type,
        schema_version: E::SCHEMA_VERSION,
        event_id: uuid::Uuid::new_v4(),
        occurred_at: crate::envelope::rfc3339(at),
        payload,
        trace: crate::TraceContext::from_hints(&crate::trace::TraceHints::default(), at),
        causation_id: None,
        personal: None,
    }
}

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

/// A store call, as [`Hooked`] shows it to its hooks.
#[derive(Clone, Copy, Debug)]
pub enum StoreCall<'a> {
    Load(&'a crate::StreamId),
    LoadTail(&'a crate::StreamId),
    LoadStored(&'a crate::StreamId),
    Append(&'a [crate::EventEnvelope]),
    Recorded(&'a str),
    AppendRecorded(
        &'a [crate::EventEnvelope],
        &'a crate::store::IdempotencyRecord,
    ),
    SaveSnapshot(&'a crate::StreamId),
    Reseal(&'a crate::EventEnvelope),
}

/// What a test does around a store's calls: note them, hold them at a barrier, write a rival
/// event after a read.
#[async_trait::async_trait]
pub trait StoreHooks: Send + Sync {
    async fn before(&self, _call: StoreCall<'_>) {}
    /// After the call, with the store itself (for a rival's write).
    async fn after(&self, _call: StoreCall<'_>, _store: &dyn crate::store::Storage) {}
}

/// Hooks shared with the test that reads what they noted.
#[async_trait::async_trait]
impl<H: StoreHooks + ?Sized> StoreHooks for std::sync::Arc<H> {
    async fn before(&self, call: StoreCall<'_>) {
        (**self).before(call).await
    }

    async fn after(&self, call: StoreCall<'_>, store: &dyn crate::store::Storage) {
        (**self).after(call, store).await
    }
}

/// A store that runs `hooks` around every call of `inner`: the one test double of a store
/// (what it stores is `inner`'s, a real adapter).
pub struct Hooked<H> {
    pub inner: std::sync::Arc<dyn crate::store::Storage>,
    pub hooks: H,
}

impl<H: StoreHooks> Hooked<H> {
    async fn around<T>(
        &self,
        call: StoreCall<'_>,
        result: impl std::future::Future<Output = T>,
    ) -> T {
        self.hooks.before(call).await;
        let result = result.await;
        self.hooks.after(call, self.inner.as_ref()).await;
        result
    }
}

mod hooked {
    use async_trait::async_trait;

    use super::{Hooked, StoreCall, StoreHooks};
    use crate::store::{
        AppendLimits, EventStore, IdempotencyRecord, IdempotencyStore, ResealStore, Snapshot,
        SnapshotStore, StoreError, StreamTail,
    };
    use crate::{EventEnvelope, StreamId};

    #[async_trait]
    impl<H: StoreHooks> EventStore for Hooked<H> {
        async fn load(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
            self.around(StoreCall::Load(stream), self.inner.load(stream))
                .await
        }

        async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError> {
            self.around(StoreCall::Append(events), self.inner.append(events))
                .await
        }

        fn limits(&self) -> AppendLimits {
            self.inner.limits()
        }
    }

    #[async_trait]
    impl<H: StoreHooks> SnapshotStore for Hooked<H> {
        async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError> {
            self.around(StoreCall::LoadTail(stream), self.inner.load_tail(stream))
                .await
        }

        async fn save_snapshot(
            &self,
            stream: &StreamId,
            snapshot: &Snapshot,
        ) -> Result<(), StoreError> {
            let saving = self.inner.save_snapshot(stream, snapshot);
            self.around(StoreCall::SaveSnapshot(stream), saving).await
        }
    }

    #[async_trait]
    impl<H: StoreHooks> IdempotencyStore for Hooked<H> {
        async fn recorded(
            &self,
            key: &str,
            now: i64,
        ) -> Result<Option<IdempotencyRecord>, StoreError> {
            self.around(StoreCall::Recorded(key), self.inner.recorded(key, now))
                .await
        }

        async fn append_recorded(
            &self,
            events: &[EventEnvelope],
            record: &IdempotencyRecord,
        ) -> Result<(), StoreError> {
            let appending = self.inner.append_recorded(events, record);
            self.around(StoreCall::AppendRecorded(events, record), appending)
                .await
        }
    }

    #[async_trait]
    impl<H: StoreHooks> ResealStore for Hooked<H> {
        async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
            self.around(
                StoreCall::LoadStored(stream),
                self.inner.load_stored(stream),
            )
            .await
        }

        async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError> {
            self.around(StoreCall::Reseal(event), self.inner.reseal(event))
                .await
        }
    }
}
