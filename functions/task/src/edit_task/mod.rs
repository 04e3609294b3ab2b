//! edit-task: `PATCH /api/tasks/{id}` while it is open. A new due time and a new assignee are
//! events of their own that keep the previous value: the history shows every postponement and
//! every hand-over.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::task::{Priority, Task, TaskError, TaskEvent, TaskKind};
use event_sourcing::Patch;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditTask {
    pub task_id: String,
    pub title: Option<String>,
    pub notes: Patch<String>,
    pub kind: Option<TaskKind>,
    pub priority: Option<Priority>,
    pub due_at: Option<OffsetDateTime>,
    pub assignee_id: Option<String>,
}

/// The task's text after the edit: sealed under the targeted person's key (`contactId`) when
/// it targets one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDescribed {
    pub task_id: String,
    pub title: String,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The task's kind and priority after the edit: never anyone's data, so an erased person's
/// task can still be re-prioritised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskEdited {
    pub task_id: String,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    pub priority: Priority,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRescheduled {
    pub task_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub previous_due_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskReassigned {
    pub task_id: String,
    pub assignee_id: String,
    pub previous_assignee_id: String,
}

/// Only what changes is recorded, one event per kind of change; an edit that changes nothing
/// records nothing.
pub fn decide(state: &Task, command: EditTask) -> Result<Vec<TaskEvent>, TaskError> {
    let details = state.open(&command.task_id)?;
    let mut events = Vec::new();
    let title = command.title.unwrap_or_else(|| details.title.clone());
    let notes = command.notes.apply_to(details.notes.clone());
    let kind = command.kind.unwrap_or(details.kind);
    let priority = command.priority.unwrap_or(details.priority);
    if (&title, &notes) != (&details.title, &details.notes) {
        events.push(TaskEvent::TaskDescribed(TaskDescribed {
            task_id: command.task_id.clone(),
            title,
            notes,
            contact_id: details.person().map(str::to_owned),
        }));
    }
    if (kind, priority) != (details.kind, details.priority) {
        events.push(TaskEvent::TaskEdited(TaskEdited {
            task_id: command.task_id.clone(),
            kind,
            priority,
        }));
    }
    if let Some(due_at) = command.due_at.filter(|due| *due != details.due_at) {
        events.push(TaskEvent::TaskRescheduled(TaskRescheduled {
            task_id: command.task_id.clone(),
            due_at,
            previous_due_at: details.due_at,
        }));
    }
    if let Some(assignee_id) = command
        .assignee_id
        .filter(|assignee| *assignee != details.assignee_id)
    {
        events.push(TaskEvent::TaskReassigned(TaskReassigned {
            task_id: command.task_id,
            assignee_id,
            previous_assignee_id: details.assignee_id.clone(),
        }));
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cancelled, completed, created, DUE_AT};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    fn edit() -> EditTask {
        EditTask {
            task_id: "t1".into(),
            title: None,
            notes: Patch::Absent,
            kind: None,
            priority: None,
            due_at: None,
            assignee_id: None,
        }
    }

    #[test]
    fn given_a_task_when_its_due_time_moves_then_the_previous_one_is_kept() {
        let later = datetime!(2026-03-05 09:00 UTC);
        given::<Task>([created(&[])])
            .when(|state| {
                decide(
                    state,
                    EditTask {
                        due_at: Some(later),
                        ..edit()
                    },
                )
            })
            .then([TaskEvent::TaskRescheduled(TaskRescheduled {
                task_id: "t1".into(),
                due_at: later,
                previous_due_at: DUE_AT,
            })]);
    }

    #[test]
    fn given_a_task_for_a_person_when_its_text_priority_and_assignee_change_then_each_is_recorded()
    {
        given::<Task>([created(&[("contact", "c1")])])
            .when(|state| {
                decide(
                    state,
                    EditTask {
                        title: Some("Call Ada".into()),
                        notes: Patch::Null,
                        priority: Some(Priority::High),
                        assignee_id: Some("u2".into()),
                        ..edit()
                    },
                )
            })
            .then([
                TaskEvent::TaskDescribed(TaskDescribed {
                    task_id: "t1".into(),
                    title: "Call Ada".into(),
                    notes: None,
                    contact_id: Some("c1".into()),
                }),
                TaskEvent::TaskEdited(TaskEdited {
                    task_id: "t1".into(),
                    kind: TaskKind::Call,
                    priority: Priority::High,
                }),
                TaskEvent::TaskReassigned(TaskReassigned {
                    task_id: "t1".into(),
                    assignee_id: "u2".into(),
                    previous_assignee_id: "u1".into(),
                }),
            ]);
    }

    #[test]
    fn given_a_task_when_edited_to_what_it_is_then_nothing_is_recorded() {
        given::<Task>([created(&[])])
            .when(|state| {
                decide(
                    state,
                    EditTask {
                        title: Some("Call Ada back".into()),
                        due_at: Some(DUE_AT),
                        assignee_id: Some("u1".into()),
                        kind: Some(TaskKind::Call),
                        ..edit()
                    },
                )
            })
            .then([]);
    }

    #[test]
    fn given_a_closed_or_missing_task_when_edited_then_conflict_or_not_found() {
        let at = datetime!(2026-03-02 10:00 UTC);
        given::<Task>([created(&[]), completed(at)])
            .when(|state| decide(state, edit()))
            .then_error(TaskError::NotOpen("t1".into(), "completed"));
        given::<Task>([created(&[]), cancelled(at, None)])
            .when(|state| decide(state, edit()))
            .then_error(TaskError::NotOpen("t1".into(), "cancelled"));
        given::<Task>([])
            .when(|state| decide(state, edit()))
            .then_error(TaskError::NotFound("t1".into()));
    }
}
