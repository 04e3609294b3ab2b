//! add-interaction: `POST /api/cases/{id}/interactions`.

mod http;

pub use http::handle;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{not_before_opening, Case, CaseError, CaseEvent, InteractionType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInteraction {
    pub case_id: String,
    pub interaction_id: String,
    pub description: String,
    pub interaction_date: OffsetDateTime,
    pub kind: InteractionType,
    /// The contact involved, and whether it exists (read by the adapter).
    pub contact: Option<(String, bool)>,
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
    #[serde(default)]
    pub contact_id: Option<String>,
}

pub fn decide(state: &Case, command: AddInteraction) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    not_before_opening(case, "interactionDate", command.interaction_date)?;
    let contact_id = match command.contact {
        Some((id, false)) => return Err(CaseError::UnknownContact(id)),
        Some((id, true)) => Some(id),
        None => None,
    };
    Ok(vec![CaseEvent::InteractionAdded(InteractionAdded {
        case_id: command.case_id,
        interaction_id: command.interaction_id,
        description: command.description,
        interaction_date: command.interaction_date,
        kind: command.kind,
        contact_id,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::close_case::CaseClosed;
    use crate::create_case::CaseCreated;
    use shared::Aggregate;
    use time::macros::datetime;

    fn opened() -> Vec<CaseEvent> {
        vec![CaseEvent::CaseCreated(CaseCreated {
            case_id: "s1".into(),
            client_id: "k1".into(),
            description: "Printer on fire".into(),
            opened_at: datetime!(2026-01-01 09:00 UTC),
        })]
    }

    fn call(at: OffsetDateTime, contact: Option<(&str, bool)>) -> AddInteraction {
        AddInteraction {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
            description: "Called back".into(),
            interaction_date: at,
            kind: InteractionType::Call,
            contact: contact.map(|(id, exists)| (id.to_owned(), exists)),
        }
    }

    #[test]
    fn given_open_case_when_interaction_added_then_interaction_added() {
        let at = datetime!(2026-01-01 10:00 UTC);
        assert_eq!(
            decide(&Case::from_events(&opened()), call(at, Some(("c1", true)))),
            Ok(vec![CaseEvent::InteractionAdded(InteractionAdded {
                case_id: "s1".into(),
                interaction_id: "i1".into(),
                description: "Called back".into(),
                interaction_date: at,
                kind: InteractionType::Call,
                contact_id: Some("c1".into()),
            })])
        );
    }

    #[test]
    fn given_closed_case_when_interaction_added_then_closed() {
        let mut events = opened();
        events.push(CaseEvent::CaseClosed(CaseClosed {
            case_id: "s1".into(),
            closed_at: datetime!(2026-01-02 09:00 UTC),
            resolution: None,
        }));
        assert_eq!(
            decide(
                &Case::from_events(&events),
                call(datetime!(2026-01-03 09:00 UTC), None)
            ),
            Err(CaseError::Closed("s1".into()))
        );
    }

    #[test]
    fn given_open_case_when_interaction_precedes_opening_or_names_unknown_contact_then_refused() {
        let case = Case::from_events(&opened());
        assert!(matches!(
            decide(&case, call(datetime!(2025-12-31 09:00 UTC), None)),
            Err(CaseError::BeforeOpening {
                what: "interactionDate",
                ..
            })
        ));
        assert_eq!(
            decide(
                &case,
                call(datetime!(2026-01-01 10:00 UTC), Some(("ghost", false)))
            ),
            Err(CaseError::UnknownContact("ghost".into()))
        );
    }

    #[test]
    fn given_no_case_when_interaction_added_then_not_found() {
        assert_eq!(
            decide(
                &Case::NotCreated,
                call(datetime!(2026-01-01 10:00 UTC), None)
            ),
            Err(CaseError::NotFound("s1".into()))
        );
    }
}
