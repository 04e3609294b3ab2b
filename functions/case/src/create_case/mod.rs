//! create-case: `POST /api/cases`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, parse, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use contracts::sla_stream::Terms;

use crate::case::{Case, CaseError, CaseEvent, Origin, Priority};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateCase {
    pub case_id: String,
    pub client_id: String,
    pub description: String,
    pub opened_at: OffsetDateTime,
    pub priority: Priority,
    pub assignee_id: Option<String>,
    pub origin: Option<Origin>,
    /// Whether the client exists, as read by the adapter just before.
    pub client_exists: bool,
    /// The SLA policy in force, as read by the adapter just before.
    pub policy: contracts::sla_stream::SlaPolicy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseCreated {
    pub case_id: String,
    pub client_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    pub priority: Priority,
    pub assignee_id: Option<String>,
    pub origin: Option<Origin>,
    /// The terms of its priority in the policy in force when it was recorded.
    pub sla: Terms,
}

pub fn decide(state: &Case, command: CreateCase) -> Result<Vec<CaseEvent>, CaseError> {
    if *state != Case::NotCreated {
        return Err(CaseError::AlreadyExists(command.case_id));
    }
    if !command.client_exists {
        return Err(CaseError::UnknownClient(command.client_id));
    }
    Ok(vec![CaseEvent::CaseCreated(CaseCreated {
        sla: command.policy.terms(command.priority),
        case_id: command.case_id,
        client_id: command.client_id,
        description: command.description,
        opened_at: command.opened_at,
        priority: command.priority,
        assignee_id: command.assignee_id,
        origin: command.origin,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{opened, OPENED_AT};
    use event_sourcing::testing::given;

    fn create(client_exists: bool) -> CreateCase {
        CreateCase {
            case_id: "s1".into(),
            client_id: "k1".into(),
            description: "Printer on fire".into(),
            opened_at: OPENED_AT,
            priority: Priority::Normal,
            assignee_id: None,
            origin: None,
            client_exists,
            policy: Default::default(),
        }
    }

    #[test]
    fn given_no_case_and_a_client_when_created_then_case_created() {
        given::<Case>([])
            .when(|state| decide(state, create(true)))
            .then([opened()]);
    }

    #[test]
    fn given_no_client_when_created_then_unknown_client() {
        given::<Case>([])
            .when(|state| decide(state, create(false)))
            .then_error(CaseError::UnknownClient("k1".into()));
    }

    #[test]
    fn given_case_when_created_again_then_already_exists() {
        given::<Case>([opened()])
            .when(|state| decide(state, create(true)))
            .then_error(CaseError::AlreadyExists("s1".into()));
    }
}
