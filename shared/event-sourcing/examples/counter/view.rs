// A read model of the counter, folded by the projection engine from the appended events.

use std::sync::Arc;

use event_sourcing::projection::{Consumer, IncomingRecord, ProjectionStore, View, ViewProjection};
use event_sourcing::{EventEnvelope, EventStore};
use serde::{Deserialize, Serialize};

use crate::aggregate::CounterEvent;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CounterTotal {
    pub total: u32,
    pub increments: u32,
}

impl View for CounterTotal {
    type Event = CounterEvent;
    const NAME: &'static str = "total";
    const SOURCE: &'static str = "counter";

    fn apply(view: Option<Self>, event: &CounterEvent) -> Option<Self> {
        let CounterEvent::Incremented { by } = event;
        let view = view.unwrap_or(CounterTotal {
            total: 0,
            increments: 0,
        });
        Some(CounterTotal {
            total: view.total + by,
            increments: view.increments + 1,
        })
    }
}

/// The consumer of this one view, as the stream consumer is of every view.
pub fn consumer(views: Arc<dyn ProjectionStore>, events: Arc<dyn EventStore>) -> Consumer {
    Consumer::new(
        vec![Arc::new(ViewProjection::<CounterTotal>::default())],
        views,
        events,
    )
}

/// Appended events as a stream's records (DynamoDB Streams numbers them; here, their order).
pub fn records(events: &[EventEnvelope]) -> Vec<IncomingRecord> {
    events
        .iter()
        .enumerate()
        .map(|(i, event)| IncomingRecord {
            sequence_number: i.to_string(),
            event: Ok(event.clone()),
        })
        .collect()
}
