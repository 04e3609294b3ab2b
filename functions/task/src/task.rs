//! Task state and `evolve`: what someone has to do next, by when, for which records.

use contracts::task_stream::Target;
use event_sourcing::personal::PersonalData;
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind, StreamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::cancel_task::TaskCancelled;
use crate::complete_task::TaskCompleted;
use crate::create_task::TaskCreated;
use crate::edit_task::{TaskDescribed, TaskEdited, TaskReassigned, TaskRescheduled};
use crate::reopen_task::TaskReopened;

/// Names a closed set of values as the API spells them.
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

choices!(
    /// What kind of work it is.
    TaskKind { Todo => "todo", Call => "call", Email => "email", Meeting => "meeting" }
);
choices!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });
choices!(Status { Open => "open", Completed => "completed", Cancelled => "cancelled" });

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetails {
    pub task_id: String,
    pub title: String,
    pub notes: Option<String>,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    pub priority: Priority,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub assignee_id: String,
    pub targets: Vec<Target>,
    pub status: Status,
    pub created_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    pub cancel_reason: Option<String>,
}

/// At most this many records targeted by one task.
pub const MAX_TARGETS: usize = 10;

/// The fields of a task's events that are the targeted person's data.
pub const PERSONAL_FIELDS: &[&str] = &["title", "notes"];
/// The field of a cancellation that is the targeted person's data.
pub const CANCELLATION_PERSONAL_FIELDS: &[&str] = &["reason"];

impl TaskDetails {
    /// The person it targets, if any: its text is their data, sealed under their key.
    pub fn person(&self) -> Option<&str> {
        person_of(&self.targets)
    }

    /// Open, and due before `now`: computed when read, never stored.
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.status == Status::Open && self.due_at < now
    }

    /// The task without its person's data: what read models keep (they are not erased key
    /// by key; a list reads that text from the task's own, sealed, stream).
    pub fn without_personal_data(mut self) -> Self {
        if self.person().is_some() {
            self.title = String::new();
            self.notes = None;
            self.cancel_reason = None;
        }
        self
    }

    /// `other`'s person's data in place of this one's.
    pub fn with_personal_data_of(mut self, other: &TaskDetails) -> Self {
        self.title.clone_from(&other.title);
        self.notes.clone_from(&other.notes);
        self.cancel_reason.clone_from(&other.cancel_reason);
        self
    }
}

/// The contact among `targets`, if any (a task targets at most one person).
pub fn person_of(targets: &[Target]) -> Option<&str> {
    targets
        .iter()
        .find(|target| target.kind == contracts::streams::CONTACT)
        .map(|target| target.id.as_str())
}

pub use event_sourcing::projection::sortable;

// One state is held per command or view: boxing the details would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    #[default]
    NotCreated,
    Active(TaskDetails),
}

impl Task {
    pub fn existing(&self, id: &str) -> Result<&TaskDetails, TaskError> {
        match self {
            Task::Active(details) => Ok(details),
            Task::NotCreated => Err(TaskError::NotFound(id.to_owned())),
        }
    }

    /// A task still to do.
    pub fn open(&self, id: &str) -> Result<&TaskDetails, TaskError> {
        let details = self.existing(id)?;
        match details.status {
            Status::Open => Ok(details),
            status => Err(TaskError::NotOpen(id.to_owned(), status.name())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum TaskEvent {
    TaskCreated(TaskCreated),
    TaskDescribed(TaskDescribed),
    TaskEdited(TaskEdited),
    TaskRescheduled(TaskRescheduled),
    TaskReassigned(TaskReassigned),
    TaskCompleted(TaskCompleted),
    TaskCancelled(TaskCancelled),
    TaskReopened(TaskReopened),
}

impl DomainEvent for TaskEvent {
    /// A task's text is the data of the person it targets: erasing them erases it.
    fn personal_data(&self) -> Option<PersonalData> {
        let (person, fields) = match self {
            TaskEvent::TaskCreated(created) => (person_of(&created.targets), PERSONAL_FIELDS),
            TaskEvent::TaskDescribed(described) => {
                (described.contact_id.as_deref(), PERSONAL_FIELDS)
            }
            // Without a reason there is nothing of anyone's to seal (and an erased person's
            // task can still be cancelled).
            TaskEvent::TaskCancelled(cancelled) if cancelled.reason.is_some() => (
                cancelled.contact_id.as_deref(),
                CANCELLATION_PERSONAL_FIELDS,
            ),
            _ => return None,
        };
        person.map(|id| PersonalData::of(StreamId::new(contracts::streams::CONTACT, id), fields))
    }
}

impl Aggregate for Task {
    const TYPE: &'static str = contracts::streams::TASK;
    const SNAPSHOT_SHAPE: Option<u32> = Some(1);
    type Event = TaskEvent;

    /// Every event is named: a new event does not compile until it is decided here.
    fn evolve(self, event: &TaskEvent) -> Self {
        if let TaskEvent::TaskCreated(created) = event {
            return Task::Active(TaskDetails {
                task_id: created.task_id.clone(),
                title: created.title.clone(),
                notes: created.notes.clone(),
                kind: created.kind,
                priority: created.priority,
                due_at: created.due_at,
                assignee_id: created.assignee_id.clone(),
                targets: created.targets.clone(),
                status: Status::Open,
                created_by: created.created_by.clone(),
                created_at: created.created_at,
                completed_at: None,
                cancelled_at: None,
                cancel_reason: None,
            });
        }
        let Task::Active(mut details) = self else {
            return self;
        };
        match event {
            TaskEvent::TaskCreated(_) => {}
            TaskEvent::TaskDescribed(described) => {
                details.title.clone_from(&described.title);
                details.notes.clone_from(&described.notes);
            }
            TaskEvent::TaskEdited(edited) => {
                details.kind = edited.kind;
                details.priority = edited.priority;
            }
            TaskEvent::TaskRescheduled(moved) => details.due_at = moved.due_at,
            TaskEvent::TaskReassigned(reassigned) => {
                details.assignee_id.clone_from(&reassigned.assignee_id);
            }
            TaskEvent::TaskCompleted(completed) => {
                details.status = Status::Completed;
                details.completed_at = Some(completed.completed_at);
            }
            TaskEvent::TaskCancelled(cancelled) => {
                details.status = Status::Cancelled;
                details.cancelled_at = Some(cancelled.cancelled_at);
                details.cancel_reason.clone_from(&cancelled.reason);
            }
            TaskEvent::TaskReopened(_) => {
                details.status = Status::Open;
                details.completed_at = None;
                details.cancelled_at = None;
                details.cancel_reason = None;
            }
        }
        Task::Active(details)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("task {0} does not exist")]
    NotFound(String),
    #[error("task {0} already exists")]
    AlreadyExists(String),
    #[error("task {0} is {1}")]
    NotOpen(String, &'static str),
    #[error("task {0} is open")]
    AlreadyOpen(String),
    #[error("{what} ({at}) is before the task was created ({created_at})")]
    BeforeCreation {
        what: &'static str,
        at: String,
        created_at: String,
    },
}

impl DomainError for TaskError {
    fn kind(&self) -> ErrorKind {
        match self {
            TaskError::NotFound(_) => ErrorKind::NotFound,
            TaskError::AlreadyExists(_) | TaskError::NotOpen(..) | TaskError::AlreadyOpen(_) => {
                ErrorKind::Conflict
            }
            TaskError::BeforeCreation { .. } => ErrorKind::Unprocessable,
        }
    }
}

/// A time recorded on the task (a completion) is not before its creation.
pub fn not_before_creation(
    details: &TaskDetails,
    what: &'static str,
    at: OffsetDateTime,
) -> Result<(), TaskError> {
    if at < details.created_at {
        return Err(TaskError::BeforeCreation {
            what,
            at: event_sourcing::envelope::rfc3339(at),
            created_at: event_sourcing::envelope::rfc3339(details.created_at),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::fixtures::{cancelled, completed, created, reopened, CREATED_AT, DUE_AT};
    use time::macros::datetime;

    #[test]
    fn evolve_follows_the_life_of_a_task() {
        let at = datetime!(2026-03-02 10:00 UTC);
        let state = Task::from_events(&[created(&[]), completed(at)]);
        let details = state.existing("t1").unwrap();
        assert_eq!(
            (details.status, details.completed_at),
            (Status::Completed, Some(at))
        );
        let state = state
            .evolve(&reopened(at))
            .evolve(&cancelled(at, Some("No longer needed")));
        let details = state.existing("t1").unwrap();
        assert_eq!(
            (
                details.status,
                details.completed_at,
                details.cancel_reason.as_deref()
            ),
            (Status::Cancelled, None, Some("No longer needed"))
        );
        assert_eq!(details.created_at, CREATED_AT);
    }

    #[test]
    fn a_task_is_overdue_while_open_and_past_its_due_time_only() {
        let state = Task::from_events(&[created(&[])]);
        let details = state.existing("t1").unwrap();
        assert!(!details.overdue(DUE_AT));
        assert!(details.overdue(DUE_AT + time::Duration::nanoseconds(1)));
        let done = state.evolve(&completed(DUE_AT));
        assert!(!done
            .existing("t1")
            .unwrap()
            .overdue(DUE_AT + time::Duration::days(9)));
    }

    #[test]
    fn a_tasks_text_is_the_data_of_the_person_it_targets_and_nothing_else_is() {
        let subject = |event: &TaskEvent| event.personal_data().map(|p| (p.subject, p.fields));
        assert_eq!(
            subject(&created(&[("client", "k1"), ("contact", "c1")])),
            Some(("contact#c1".to_owned(), PERSONAL_FIELDS))
        );
        assert_eq!(subject(&created(&[("client", "k1")])), None);
        let at = datetime!(2026-03-02 10:00 UTC);
        let cancelling = |reason: Option<&str>| {
            TaskEvent::TaskCancelled(crate::cancel_task::TaskCancelled {
                contact_id: Some("c1".into()),
                ..match cancelled(at, reason) {
                    TaskEvent::TaskCancelled(c) => c,
                    other => unreachable!("{other:?}"),
                }
            })
        };
        assert_eq!(
            subject(&cancelling(Some("Moved away"))),
            Some(("contact#c1".to_owned(), CANCELLATION_PERSONAL_FIELDS))
        );
        assert_eq!(subject(&cancelling(None)), None, "nothing to seal");
        assert_eq!(subject(&completed(at)), None);
    }

    #[test]
    fn sortable_instants_sort_as_their_text() {
        let instants = [
            datetime!(0999-12-31 23:59:59.999 UTC),
            datetime!(2026-03-01 09:00 +01:00),
            datetime!(2026-03-01 08:30 UTC),
            datetime!(2026-03-01 08:30:00.000000001 UTC),
            datetime!(9999-12-31 23:59:59.999999999 UTC),
        ];
        let mut by_text = instants.to_vec();
        by_text.sort_by_key(|at| sortable(*at));
        let mut by_time = instants.to_vec();
        by_time.sort();
        assert_eq!(by_text, by_time);
        assert_eq!(sortable(instants[1]), "2026-03-01T08:00:00.000000000Z");
    }

    /// A stored snapshot outlives the build that wrote it: when this sample's JSON changes,
    /// so does the shape, or old snapshots would be read as the new state.
    #[test]
    fn the_snapshot_shape_changes_with_the_state() {
        let sample = Task::from_events(&[created(&[])]);
        assert_eq!(
            (Task::SNAPSHOT_SHAPE, serde_json::to_value(&sample).unwrap()),
            (
                Some(1),
                serde_json::json!({ "Active": {
                    "taskId": "t1", "title": "Call Ada back", "notes": "About the renewal",
                    "type": "call", "priority": "normal", "dueAt": "2026-03-01T09:00:00Z",
                    "assigneeId": "u1", "targets": [], "status": "open", "createdBy": "u1",
                    "createdAt": "2026-02-27T09:00:00Z", "completedAt": null,
                    "cancelledAt": null, "cancelReason": null
                } })
            ),
            "the task's state changed: raise Task::SNAPSHOT_SHAPE and update this sample"
        );
    }
}
