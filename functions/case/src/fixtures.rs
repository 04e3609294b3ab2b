//! Case fixtures for every test of this crate: case `s1` of client `k1`, opened
//! 2026-01-01 09:00 UTC, and the events of its life.

use time::macros::datetime;
use time::OffsetDateTime;

use crate::add_interaction::InteractionAdded;
use crate::close_case::CaseClosed;
use crate::create_case::CaseCreated;
use contracts::sla_stream::SlaPolicy;

use crate::case::{CaseStatus, Direction, Priority};
use crate::change_case_status::CaseStatusChanged;
use crate::{CaseEvent, InteractionType};

pub const PRINTER_FIRE: &str = "s1";
pub const OPENED_AT: OffsetDateTime = datetime!(2026-01-01 09:00 UTC);

/// Opened on the default terms of a normal case: first response in 8 hours, resolution in
/// 48, calendar time.
pub fn opened() -> CaseEvent {
    CaseEvent::CaseCreated(CaseCreated {
        case_id: PRINTER_FIRE.into(),
        client_id: "k1".into(),
        description: "Printer on fire".into(),
        opened_at: OPENED_AT,
        priority: Priority::Normal,
        assignee_id: None,
        origin: None,
        sla: SlaPolicy::default().terms(Priority::Normal),
    })
}

/// A status change at `at`.
pub fn status(status: CaseStatus, previous: CaseStatus, at: OffsetDateTime) -> CaseEvent {
    CaseEvent::CaseStatusChanged(CaseStatusChanged {
        case_id: PRINTER_FIRE.into(),
        status,
        previous_status: previous,
        at,
        resolution: None,
    })
}

/// An interaction of `direction` at `at`.
pub fn interaction(direction: Direction, at: OffsetDateTime) -> CaseEvent {
    CaseEvent::InteractionAdded(InteractionAdded {
        case_id: PRINTER_FIRE.into(),
        interaction_id: format!("i-{}", at.unix_timestamp()),
        description: "Wrote".into(),
        interaction_date: at,
        kind: InteractionType::Email,
        direction,
        contact_id: None,
    })
}

/// A call about the case, with contact `contact_id` if given.
pub fn call_added(at: OffsetDateTime, contact_id: Option<&str>) -> CaseEvent {
    CaseEvent::InteractionAdded(InteractionAdded {
        case_id: PRINTER_FIRE.into(),
        interaction_id: "i1".into(),
        description: "Called back".into(),
        interaction_date: at,
        kind: InteractionType::Call,
        direction: Direction::Outbound,
        contact_id: contact_id.map(Into::into),
    })
}

pub fn closed(at: OffsetDateTime) -> CaseEvent {
    CaseEvent::CaseClosed(CaseClosed {
        case_id: PRINTER_FIRE.into(),
        closed_at: at,
        resolution: Some("Replaced the toner".into()),
    })
}
