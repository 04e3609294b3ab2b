//! change-case-status: `POST /api/cases/{id}/status` `{status, resolution?, at?}`: the
//! workflow. `pending` and `on_hold` pause the resolution clock, `solved` (by an assignee)
//! fulfils it, `open` from any of them reopens the case and runs it again. Closing has its
//! own route; a closed case changes no more.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{not_before_latest, Case, CaseError, CaseEvent, CaseStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeStatus {
    pub case_id: String,
    /// Open, pending, on hold or solved.
    pub status: CaseStatus,
    pub resolution: Option<String>,
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseStatusChanged {
    pub case_id: String,
    pub status: CaseStatus,
    pub previous_status: CaseStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub resolution: Option<String>,
}

pub fn decide(state: &Case, command: ChangeStatus) -> Result<Vec<CaseEvent>, CaseError> {
    let case = state.open(&command.case_id)?;
    if case.status == command.status {
        return Err(CaseError::SameStatus(command.status.name()));
    }
    if command.status == CaseStatus::Solved && case.assignee_id.is_none() {
        return Err(CaseError::Unassigned);
    }
    not_before_latest(case, command.at)?;
    Ok(vec![CaseEvent::CaseStatusChanged(CaseStatusChanged {
        case_id: command.case_id,
        status: command.status,
        previous_status: case.status,
        at: command.at,
        resolution: command.resolution,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Direction;
    use crate::edit_case::CaseAssigned;
    use crate::fixtures::{closed, interaction, opened, status, OPENED_AT};
    use event_sourcing::testing::given;
    use event_sourcing::Aggregate;
    use time::Duration;

    fn assigned() -> CaseEvent {
        CaseEvent::CaseAssigned(CaseAssigned {
            case_id: "s1".into(),
            assignee_id: Some("agent-1".into()),
            previous_assignee_id: None,
        })
    }

    fn change(to: CaseStatus, hours: i64) -> ChangeStatus {
        ChangeStatus {
            case_id: "s1".into(),
            status: to,
            resolution: None,
            at: OPENED_AT + Duration::hours(hours),
        }
    }

    #[test]
    fn given_an_open_case_when_it_waits_on_the_customer_then_pending_from_open() {
        given::<Case>([opened()])
            .when(|state| decide(state, change(CaseStatus::Pending, 1)))
            .then([status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(1),
            )]);
    }

    #[test]
    fn given_a_case_when_set_to_its_own_status_then_conflict() {
        given::<Case>([opened()])
            .when(|state| decide(state, change(CaseStatus::Open, 1)))
            .then_error(CaseError::SameStatus("open"));
    }

    #[test]
    fn given_an_unassigned_case_when_solved_then_unprocessable_and_assigned_it_solves() {
        given::<Case>([opened()])
            .when(|state| decide(state, change(CaseStatus::Solved, 1)))
            .then_error(CaseError::Unassigned);
        let mut solve = change(CaseStatus::Solved, 1);
        solve.resolution = Some("Reset the router".into());
        let decided = decide(&Case::from_events(&[opened(), assigned()]), solve).unwrap();
        let [CaseEvent::CaseStatusChanged(solved)] = decided.as_slice() else {
            unreachable!("{decided:?}")
        };
        assert_eq!(solved.resolution.as_deref(), Some("Reset the router"));
    }

    #[test]
    fn given_a_closed_case_when_its_status_changes_then_conflict() {
        given::<Case>([opened(), closed(OPENED_AT + Duration::hours(2))])
            .when(|state| decide(state, change(CaseStatus::Pending, 3)))
            .then_error(CaseError::Closed("s1".into()));
    }

    #[test]
    fn given_a_case_when_a_change_is_dated_before_its_latest_time_then_unprocessable() {
        let later = OPENED_AT + Duration::hours(5);
        given::<Case>([opened(), interaction(Direction::Internal, later)])
            .when(|state| decide(state, change(CaseStatus::Pending, 4)))
            .then_error(CaseError::BeforeLatest {
                at: "2026-01-01T13:00:00Z".into(),
                latest: "2026-01-01T14:00:00Z".into(),
            });
        given::<Case>([opened()])
            .when(|state| decide(state, change(CaseStatus::Pending, -1)))
            .then_error(CaseError::BeforeOpening {
                what: "at",
                at: "2026-01-01T08:00:00Z".into(),
                opened_at: "2026-01-01T09:00:00Z".into(),
            });
    }

    #[test]
    fn given_a_solved_pending_or_held_case_when_opened_then_it_is_reopened() {
        for waiting in [CaseStatus::Solved, CaseStatus::Pending, CaseStatus::OnHold] {
            let history = [
                opened(),
                assigned(),
                status(waiting, CaseStatus::Open, OPENED_AT + Duration::hours(1)),
            ];
            let case = Case::from_events(&history);
            let decided = decide(&case, change(CaseStatus::Open, 2)).unwrap();
            let reopened = decided.iter().fold(case, |s, e| s.evolve(e));
            let details = reopened.existing("s1").unwrap();
            assert_eq!(
                (details.status, details.reopen_count, details.solved_at),
                (CaseStatus::Open, 1, None),
                "from {waiting:?}"
            );
        }
    }
}
