//! add-interaction: `POST /api/cases/{id}/interactions`.

#[cfg(feature = "lambda")]
mod http;
mod subscriber;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
pub use subscriber::RecordMentionOnContact;
use time::OffsetDateTime;

use crate::case::{not_before_opening, Case, CaseError, CaseEvent, InteractionType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInteraction {
    pub case_id: String,
    pub interaction_id: String,
    pub description: String,
    pub interaction_date: OffsetDateTime,
    pub kind: InteractionType,
    /// The contact it names, which [`RecordMentionOnContact`] checks in the same transaction.
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
    #[serde(default)]
    pub contact_id: Option<String>,
}

pub fn decide(state: &Case, command: AddInteraction) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    not_before_opening(case, "interactionDate", command.interaction_date)?;
    Ok(vec![CaseEvent::InteractionAdded(InteractionAdded {
        case_id: command.case_id,
        interaction_id: command.interaction_id,
        description: command.description,
        interaction_date: command.interaction_date,
        kind: command.kind,
        contact_id: command.contact_id,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{call_added, closed, opened};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    fn call(at: OffsetDateTime, contact: Option<&str>) -> AddInteraction {
        AddInteraction {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
            description: "Called back".into(),
            interaction_date: at,
            kind: InteractionType::Call,
            contact_id: contact.map(str::to_owned),
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
    fn an_interaction_naming_a_live_contact_is_mentioned_on_its_stream() {
        use event_sourcing::policy::Policy;
        use event_sourcing::Aggregate;
        let at = datetime!(2026-01-01 10:00 UTC);
        let CaseEvent::InteractionAdded(added) = call_added(at, Some("c1")) else {
            unreachable!()
        };
        let ada = contact::Contact::from_events(&[contact::fixtures::created()]);
        let mention = RecordMentionOnContact.decide(&added, &ada, "c1").unwrap();
        assert_eq!(
            mention,
            [contact::ContactEvent::MentionedInCase(
                contact::CaseMention {
                    case_id: "s1".into(),
                    interaction_id: added.interaction_id.clone(),
                }
            )]
        );
        for gone in [
            contact::Contact::NotCreated,
            contact::Contact::from_events(&[
                contact::fixtures::created(),
                contact::fixtures::erased(),
            ]),
        ] {
            let refusal = RecordMentionOnContact
                .decide(&added, &gone, "c1")
                .unwrap_err();
            assert_eq!(refusal.kind, event_sourcing::ErrorKind::Unprocessable);
        }
    }

    #[test]
    fn given_no_case_when_interaction_added_then_not_found() {
        given::<Case>([])
            .when(|state| decide(state, call(datetime!(2026-01-01 10:00 UTC), None)))
            .then_error(CaseError::NotFound("s1".into()));
    }
}
