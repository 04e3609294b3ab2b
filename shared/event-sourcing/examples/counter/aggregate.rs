// A counter that refuses to pass 10: the smallest aggregate, its event and one use case.

use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum CounterEvent {
    Incremented { by: u32 },
}

impl DomainEvent for CounterEvent {}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    pub total: u32,
}

impl Aggregate for Counter {
    const TYPE: &'static str = "counter";
    const SNAPSHOT_SHAPE: Option<u32> = Some(1);
    type Event = CounterEvent;

    fn evolve(self, event: &CounterEvent) -> Self {
        match event {
            CounterEvent::Incremented { by } => Counter {
                total: self.total + by,
            },
        }
    }
}

/// The use case's decide: pure, from the state and the command to the events.
pub fn increment(state: &Counter, by: u32) -> Result<Vec<CounterEvent>, String> {
    if state.total + by > 10 {
        return Err(format!("{} + {by} passes 10", state.total));
    }
    Ok(vec![CounterEvent::Incremented { by }])
}
