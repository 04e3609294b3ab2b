//! complete-task: `POST /api/tasks/{id}/complete` `{completedAt?}` while it is open.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::task::{not_before_creation, Task, TaskError, TaskEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompleteTask {
    pub task_id: String,
    pub completed_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskCompleted {
    pub task_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub completed_at: OffsetDateTime,
}

pub fn decide(state: &Task, command: CompleteTask) -> Result<Vec<TaskEvent>, TaskError> {
    let details = state.open(&command.task_id)?;
    not_before_creation(details, "completedAt", command.completed_at)?;
    Ok(vec![TaskEvent::TaskCompleted(TaskCompleted {
        task_id: command.task_id,
        completed_at: command.completed_at,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{completed, created, CREATED_AT};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    fn complete(at: OffsetDateTime) -> CompleteTask {
        CompleteTask {
            task_id: "t1".into(),
            completed_at: at,
        }
    }

    #[test]
    fn given_an_open_task_when_completed_then_it_is_completed_at_that_time() {
        let at = datetime!(2026-03-02 10:00 UTC);
        given::<Task>([created(&[])])
            .when(|state| decide(state, complete(at)))
            .then([completed(at)]);
    }

    #[test]
    fn given_a_completed_task_when_completed_again_then_conflict() {
        let at = datetime!(2026-03-02 10:00 UTC);
        given::<Task>([created(&[]), completed(at)])
            .when(|state| decide(state, complete(at)))
            .then_error(TaskError::NotOpen("t1".into(), "completed"));
    }

    #[test]
    fn given_an_open_task_when_completed_before_it_was_created_then_unprocessable() {
        given::<Task>([created(&[])])
            .when(|state| decide(state, complete(CREATED_AT - time::Duration::seconds(1))))
            .then_error(TaskError::BeforeCreation {
                what: "completedAt",
                at: "2026-02-27T08:59:59Z".into(),
                created_at: "2026-02-27T09:00:00Z".into(),
            });
    }
}
