//! create-task: `POST /api/tasks`, for someone, by a due time, targeting existing records.
//! Each target records `TaskAttached` on its own stream in the same transaction (its
//! aggregate's rule, `contracts::task_stream::RecordTaskOn`): a missing or deleted target
//! refuses the whole task.

#[cfg(feature = "lambda")]
mod http;

use contracts::task_stream::Target;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::task::{Priority, Task, TaskError, TaskEvent, TaskKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTask {
    pub task_id: String,
    pub title: String,
    pub notes: Option<String>,
    pub kind: TaskKind,
    pub priority: Priority,
    pub due_at: OffsetDateTime,
    pub assignee_id: String,
    pub targets: Vec<Target>,
    pub created_by: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Title and notes are sealed under the targeted person's key when it targets one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskCreated {
    pub task_id: String,
    pub title: String,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    pub priority: Priority,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub assignee_id: String,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub fn decide(state: &Task, command: CreateTask) -> Result<Vec<TaskEvent>, TaskError> {
    if *state != Task::NotCreated {
        return Err(TaskError::AlreadyExists(command.task_id));
    }
    Ok(vec![TaskEvent::TaskCreated(TaskCreated::from(command))])
}

impl From<CreateTask> for TaskCreated {
    fn from(command: CreateTask) -> Self {
        Self {
            task_id: command.task_id,
            title: command.title,
            notes: command.notes,
            kind: command.kind,
            priority: command.priority,
            due_at: command.due_at,
            assignee_id: command.assignee_id,
            targets: command.targets,
            created_by: command.created_by,
            created_at: command.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{create_command, created};
    use event_sourcing::testing::given;

    #[test]
    fn given_no_task_when_created_then_it_is_created_with_its_targets() {
        let targets = [("client", "k1"), ("contact", "c1")];
        given::<Task>([])
            .when(|state| decide(state, create_command(&targets)))
            .then([created(&targets)]);
    }

    #[test]
    fn given_a_task_when_created_again_then_it_already_exists() {
        given::<Task>([created(&[])])
            .when(|state| decide(state, create_command(&[])))
            .then_error(TaskError::AlreadyExists("t1".into()));
    }
}
