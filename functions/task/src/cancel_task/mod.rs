//! cancel-task: `POST /api/tasks/{id}/cancel` `{reason?}` while it is open. The reason is the
//! targeted person's data when it targets one.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::task::{Task, TaskError, TaskEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelTask {
    pub task_id: String,
    pub reason: Option<String>,
    pub cancelled_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskCancelled {
    pub task_id: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub cancelled_at: OffsetDateTime,
    #[serde(default)]
    pub contact_id: Option<String>,
}

pub fn decide(state: &Task, command: CancelTask) -> Result<Vec<TaskEvent>, TaskError> {
    let details = state.open(&command.task_id)?;
    Ok(vec![TaskEvent::TaskCancelled(TaskCancelled {
        task_id: command.task_id,
        reason: command.reason,
        cancelled_at: command.cancelled_at,
        contact_id: details.person().map(str::to_owned),
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cancelled, created};
    use event_sourcing::testing::given;
    use event_sourcing::Aggregate;
    use time::macros::datetime;

    fn cancel(reason: Option<&str>) -> CancelTask {
        CancelTask {
            task_id: "t1".into(),
            reason: reason.map(str::to_owned),
            cancelled_at: datetime!(2026-03-02 10:00 UTC),
        }
    }

    #[test]
    fn given_an_open_task_when_cancelled_then_it_is_cancelled_with_its_reason() {
        given::<Task>([created(&[])])
            .when(|state| decide(state, cancel(Some("No longer needed"))))
            .then([cancelled(
                datetime!(2026-03-02 10:00 UTC),
                Some("No longer needed"),
            )]);
    }

    #[test]
    fn given_a_task_for_a_person_when_cancelled_then_the_reason_is_theirs() {
        let decided = decide(
            &Task::from_events(&[created(&[("contact", "c1")])]),
            cancel(Some("Ada moved away")),
        );
        let Ok([TaskEvent::TaskCancelled(cancelled)]) = decided.as_deref() else {
            unreachable!("{decided:?}")
        };
        assert_eq!(cancelled.contact_id.as_deref(), Some("c1"));
    }

    #[test]
    fn given_a_cancelled_task_when_cancelled_again_then_conflict() {
        given::<Task>([
            created(&[]),
            cancelled(datetime!(2026-03-02 10:00 UTC), None),
        ])
        .when(|state| decide(state, cancel(None)))
        .then_error(TaskError::NotOpen("t1".into(), "cancelled"));
    }
}
