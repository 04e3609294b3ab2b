//! The stream consumer's side: each opportunity followed as a [`Tracked`] item, and the
//! pipeline's counters moved by each of its events.

use std::collections::BTreeMap;

use event_sourcing::projection::{CounterDelta, Projection};
use event_sourcing::{Aggregate, DomainEvent, EventEnvelope};
use serde_json::Value;
use time::OffsetDateTime;

use super::{changes, Stay, Tracked, NAME};
use crate::opportunity::{Opportunity, OpportunityEvent};

/// The figures of every pipeline, from its opportunities' events.
#[derive(Clone, Copy, Debug, Default)]
pub struct PipelineFigures;

fn recorded_at(event: &EventEnvelope) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(
        &event.occurred_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_err(|e| format!("event {} has no readable time: {e}", event.event_id))
}

fn tracked(view: Option<&Value>) -> Result<Option<Tracked>, String> {
    view.map(|v| serde_json::from_value(v.clone()))
        .transpose()
        .map_err(|e| format!("stored figures item unreadable: {e}"))
}

impl Projection for PipelineFigures {
    fn name(&self) -> &'static str {
        NAME
    }

    fn source(&self) -> &'static str {
        contracts::streams::OPPORTUNITY
    }

    fn knows(&self, event_type: &str) -> bool {
        OpportunityEvent::knows(event_type)
    }

    /// The opportunity's state, and its stays: leaving a stage ends a stay at the time the
    /// event was recorded (business times such as a booked-ahead `closedAt` do not count).
    fn apply(&self, view: Option<Value>, event: &EventEnvelope) -> Result<Option<Value>, String> {
        if !self.knows(&event.event_type) {
            return Ok(view);
        }
        let decoded: OpportunityEvent = event.decode().map_err(|e| e.to_string())?;
        let before = tracked(view.as_ref())?;
        let at = before.as_ref().map_or(recorded_at(event)?, |b| {
            b.last_at.max(recorded_at(event).unwrap_or(b.last_at))
        });
        let state = before.as_ref().map_or(Opportunity::NotCreated, |t| {
            Opportunity::Active(t.details.clone())
        });
        let Opportunity::Active(details) = state.evolve(&decoded) else {
            return Ok(view);
        };
        let details = details.without_roles();
        let next = match before {
            None => Tracked {
                stays: BTreeMap::from([(details.stage_id.clone(), Stay::default())]),
                details,
                entered_at: at,
                last_at: at,
            },
            Some(mut tracked) if tracked.details.stage_id != details.stage_id => {
                let stay = tracked
                    .stays
                    .entry(tracked.details.stage_id.clone())
                    .or_default();
                let stayed = (at - tracked.entered_at).whole_milliseconds().max(0);
                stay.millis += i64::try_from(stayed).unwrap_or(i64::MAX);
                stay.left = true;
                tracked.stays.entry(details.stage_id.clone()).or_default();
                Tracked {
                    details,
                    stays: tracked.stays,
                    entered_at: at,
                    last_at: at,
                }
            }
            Some(tracked) => Tracked {
                details,
                last_at: at,
                ..tracked
            },
        };
        serde_json::to_value(next)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    fn counters(
        &self,
        before: Option<&Value>,
        after: Option<&Value>,
        event: &EventEnvelope,
    ) -> Vec<CounterDelta> {
        let (Ok(before), Ok(after)) = (tracked(before), tracked(after)) else {
            return Vec::new();
        };
        // At the (clamped) time the fold gave the event.
        let at = match (&after, recorded_at(event)) {
            (Some(after), _) => after.last_at,
            (None, Ok(at)) => at,
            (None, Err(_)) => return Vec::new(),
        };
        changes(before.as_ref(), after.as_ref(), at)
    }
}
