//! add-interaction: `POST /api/cases/{id}/interactions`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{
    not_before_opening, Case, CaseError, CaseEvent, CaseStatus, Direction, InteractionType,
};
use crate::change_case_status::CaseStatusChanged;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInteraction {
    pub case_id: String,
    pub interaction_id: String,
    pub description: String,
    pub interaction_date: OffsetDateTime,
    pub kind: InteractionType,
    pub direction: Direction,
    /// The contact it names, which the contact crate's `RecordMentionOnContact` policy checks
    /// in the same transaction.
    pub contact_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionAdded {
    pub case_id: String,
    pub interaction_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub interaction_date: OffsetDateTime,
    #[serde(rename = "type", default)]
    pub kind: InteractionType,
    pub direction: Direction,
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// An inbound interaction on a pending or solved case reopens it, in the same append, at the
/// interaction's time (unless that is before the latest time already recorded: a message
/// entered late does not rewrite the clocks).
pub fn decide(state: &Case, command: AddInteraction) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    not_before_opening(case, "interactionDate", command.interaction_date)?;
    let reopens = command.direction == Direction::Inbound
        && matches!(case.status, CaseStatus::Pending | CaseStatus::Solved)
        && command.interaction_date >= case.latest_at;
    let mut events = vec![CaseEvent::InteractionAdded(InteractionAdded {
        case_id: command.case_id.clone(),
        interaction_id: command.interaction_id,
        description: command.description,
        interaction_date: command.interaction_date,
        kind: command.kind,
        direction: command.direction,
        contact_id: command.contact_id,
    })];
    if reopens {
        events.push(CaseEvent::CaseStatusChanged(CaseStatusChanged {
            case_id: command.case_id,
            status: CaseStatus::Open,
            previous_status: case.status,
            at: command.interaction_date,
            resolution: None,
        }));
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{call_added, closed, opened};
    use event_sourcing::testing::given;
    use event_sourcing::Aggregate;
    use time::macros::datetime;

    fn call(at: OffsetDateTime, contact: Option<&str>) -> AddInteraction {
        AddInteraction {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
            description: "Called back".into(),
            interaction_date: at,
            kind: InteractionType::Call,
            direction: Direction::Outbound,
            contact_id: contact.map(str::to_owned),
        }
    }

    #[test]
    fn given_a_pending_or_solved_case_when_the_customer_writes_then_it_reopens_in_the_same_append()
    {
        use crate::fixtures::status;
        let at = datetime!(2026-01-01 12:00 UTC);
        for waiting in [CaseStatus::Pending, CaseStatus::Solved] {
            let mut inbound = call(at, None);
            inbound.direction = Direction::Inbound;
            let decided = decide(
                &Case::from_events(&[
                    opened(),
                    status(waiting, CaseStatus::Open, datetime!(2026-01-01 10:00 UTC)),
                ]),
                inbound,
            )
            .unwrap();
            assert_eq!(
                decided.get(1),
                Some(&status(CaseStatus::Open, waiting, at)),
                "from {waiting:?}"
            );
        }
        // On hold (a third party), or outbound: no reopening.
        for (waiting, direction) in [
            (CaseStatus::OnHold, Direction::Inbound),
            (CaseStatus::Pending, Direction::Outbound),
        ] {
            let mut message = call(at, None);
            message.direction = direction;
            let history = [
                opened(),
                status(waiting, CaseStatus::Open, datetime!(2026-01-01 10:00 UTC)),
            ];
            let decided = decide(&Case::from_events(&history), message).unwrap();
            assert_eq!(decided.len(), 1, "{waiting:?} {direction:?}");
        }
    }

    #[test]
    fn given_open_case_when_interaction_added_then_interaction_added() {
        let at = datetime!(2026-01-01 10:00 UTC);
        given::<Case>([opened()])
            .when(|state| decide(state, call(at, Some("c1"))))
            .then([call_added(at, Some("c1"))]);
    }

    #[test]
    fn given_closed_case_when_interaction_added_then_closed() {
        given::<Case>([opened(), closed(datetime!(2026-01-02 09:00 UTC))])
            .when(|state| decide(state, call(datetime!(2026-01-03 09:00 UTC), None)))
            .then_error(CaseError::Closed("s1".into()));
    }

    #[test]
    fn given_open_case_when_interaction_precedes_opening_then_refused() {
        given::<Case>([opened()])
            .when(|state| decide(state, call(datetime!(2025-12-31 09:00 UTC), None)))
            .then_error(CaseError::BeforeOpening {
                what: "interactionDate",
                at: "2025-12-31T09:00:00Z".into(),
                opened_at: "2026-01-01T09:00:00Z".into(),
            });
    }

    #[test]
    fn the_contract_reads_whom_an_interaction_names_from_the_stored_event() {
        use contracts::case_stream::{InteractionNaming, INTERACTION_ADDED};
        use event_sourcing::DomainEvent;
        let at = datetime!(2026-01-01 10:00 UTC);
        for contact in [Some("c1"), None] {
            let event = call_added(at, contact);
            let (event_type, payload) = event.encode().unwrap();
            assert_eq!(event_type, INTERACTION_ADDED);
            let CaseEvent::InteractionAdded(added) = &event else {
                unreachable!()
            };
            let naming: InteractionNaming = serde_json::from_value(payload).unwrap();
            assert_eq!(
                naming,
                InteractionNaming {
                    case_id: added.case_id.clone(),
                    interaction_id: added.interaction_id.clone(),
                    contact_id: contact.map(str::to_owned),
                }
            );
        }
    }

    #[test]
    fn given_no_case_when_interaction_added_then_not_found() {
        given::<Case>([])
            .when(|state| decide(state, call(datetime!(2026-01-01 10:00 UTC), None)))
            .then_error(CaseError::NotFound("s1".into()));
    }
}
