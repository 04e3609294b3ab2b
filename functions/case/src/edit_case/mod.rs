//! edit-case: `PATCH /api/cases/{id}` `{description?, priority?, assigneeId?}` while the case
//! is not closed. A new priority re-chooses the SLA terms from the policy in force now,
//! still measured from the opening; `assigneeId: null` unassigns.

#[cfg(feature = "lambda")]
mod http;

use contracts::sla_stream::{SlaPolicy, Terms};
use event_sourcing::Patch;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Case, CaseError, CaseEvent, Priority};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditCase {
    pub case_id: String,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub assignee_id: Patch<String>,
    /// When it is recorded, and the policy in force then (read by the adapter).
    pub at: OffsetDateTime,
    pub policy: SlaPolicy,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDescriptionChanged {
    pub case_id: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CasePriorityChanged {
    pub case_id: String,
    pub priority: Priority,
    pub previous_priority: Priority,
    /// The new priority's terms in the policy in force when the change was recorded.
    pub sla: Terms,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseAssigned {
    pub case_id: String,
    /// `None`: unassigned.
    pub assignee_id: Option<String>,
    pub previous_assignee_id: Option<String>,
}

/// Only what changes is recorded, one event per kind of change.
pub fn decide(state: &Case, command: EditCase) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    let mut events = Vec::new();
    if let Some(description) = command
        .description
        .filter(|description| *description != case.description)
    {
        events.push(CaseEvent::CaseDescriptionChanged(CaseDescriptionChanged {
            case_id: command.case_id.clone(),
            description,
        }));
    }
    if let Some(priority) = command.priority.filter(|p| *p != case.priority) {
        events.push(CaseEvent::CasePriorityChanged(CasePriorityChanged {
            case_id: command.case_id.clone(),
            priority,
            previous_priority: case.priority,
            sla: command.policy.terms(priority),
            at: command.at,
        }));
    }
    let assignee_id = command.assignee_id.apply_to(case.assignee_id.clone());
    if assignee_id != case.assignee_id {
        events.push(CaseEvent::CaseAssigned(CaseAssigned {
            case_id: command.case_id,
            assignee_id,
            previous_assignee_id: case.assignee_id.clone(),
        }));
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{closed, opened, OPENED_AT};
    use contracts::sla_stream::Targets;
    use event_sourcing::testing::given;
    use time::Duration;

    fn edit() -> EditCase {
        EditCase {
            case_id: "s1".into(),
            description: None,
            priority: None,
            assignee_id: Patch::Absent,
            at: OPENED_AT + Duration::hours(1),
            policy: SlaPolicy::default(),
        }
    }

    #[test]
    fn given_a_case_when_made_urgent_then_the_urgent_terms_of_the_policy_now_apply() {
        let mut policy = SlaPolicy::default();
        let tight = Targets {
            first_response_minutes: 15,
            resolution_minutes: 120,
        };
        policy.targets.insert(Priority::Urgent, tight);
        given::<Case>([opened()])
            .when(|state| {
                decide(
                    state,
                    EditCase {
                        priority: Some(Priority::Urgent),
                        policy: policy.clone(),
                        ..edit()
                    },
                )
            })
            .then([CaseEvent::CasePriorityChanged(CasePriorityChanged {
                case_id: "s1".into(),
                priority: Priority::Urgent,
                previous_priority: Priority::Normal,
                sla: Terms {
                    targets: tight,
                    business_hours: None,
                },
                at: OPENED_AT + Duration::hours(1),
            })]);
    }

    #[test]
    fn given_a_case_when_assigned_and_unassigned_then_each_is_recorded_and_nothing_else() {
        let assign = EditCase {
            assignee_id: Patch::Value("agent-1".into()),
            description: Some("Printer on fire".into()),
            ..edit()
        };
        let assigned = CaseEvent::CaseAssigned(CaseAssigned {
            case_id: "s1".into(),
            assignee_id: Some("agent-1".into()),
            previous_assignee_id: None,
        });
        given::<Case>([opened()])
            .when(|state| decide(state, assign.clone()))
            .then([assigned.clone()]);
        let unassign = EditCase {
            assignee_id: Patch::Null,
            ..edit()
        };
        given::<Case>([opened(), assigned])
            .when(|state| decide(state, unassign))
            .then([CaseEvent::CaseAssigned(CaseAssigned {
                case_id: "s1".into(),
                assignee_id: None,
                previous_assignee_id: Some("agent-1".into()),
            })]);
    }

    #[test]
    fn given_a_closed_case_when_edited_then_conflict() {
        given::<Case>([opened(), closed(OPENED_AT + Duration::hours(2))])
            .when(|state| decide(state, edit()))
            .then_error(CaseError::Closed("s1".into()));
    }
}
