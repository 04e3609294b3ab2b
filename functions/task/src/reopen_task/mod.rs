//! reopen-task: `POST /api/tasks/{id}/reopen`: a completed or cancelled task is to do again.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::task::{Status, Task, TaskError, TaskEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReopenTask {
    pub task_id: String,
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskReopened {
    pub task_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

pub fn decide(state: &Task, command: ReopenTask) -> Result<Vec<TaskEvent>, TaskError> {
    if state.existing(&command.task_id)?.status == Status::Open {
        return Err(TaskError::AlreadyOpen(command.task_id));
    }
    Ok(vec![TaskEvent::TaskReopened(TaskReopened {
        task_id: command.task_id,
        at: command.at,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cancelled, completed, created, reopened};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    fn reopen() -> ReopenTask {
        ReopenTask {
            task_id: "t1".into(),
            at: datetime!(2026-03-03 10:00 UTC),
        }
    }

    #[test]
    fn given_a_completed_or_cancelled_task_when_reopened_then_it_is_open_again() {
        let at = datetime!(2026-03-02 10:00 UTC);
        for closing in [completed(at), cancelled(at, None)] {
            given::<Task>([created(&[]), closing])
                .when(|state| decide(state, reopen()))
                .then([reopened(datetime!(2026-03-03 10:00 UTC))]);
        }
    }

    #[test]
    fn given_an_open_task_when_reopened_then_conflict() {
        given::<Task>([created(&[])])
            .when(|state| decide(state, reopen()))
            .then_error(TaskError::AlreadyOpen("t1".into()));
    }
}
