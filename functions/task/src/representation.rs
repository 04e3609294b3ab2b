//! The JSON every task route answers with, and the fields several routes read alike.

use contracts::task_stream::Target;
use http_api::{validate, versioned_response, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;
use time::OffsetDateTime;

use crate::task::{Priority, Status, Task, TaskDetails, TaskError, TaskEvent, TaskKind};

/// A task as `GET /api/tasks/{id}` answers it (and every list item).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskAnswer<'a> {
    pub task_id: &'a str,
    pub title: &'a str,
    pub notes: Option<&'a str>,
    #[serde(rename = "type")]
    pub kind: TaskKind,
    pub priority: Priority,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub assignee_id: &'a str,
    pub targets: &'a [Target],
    pub status: Status,
    pub created_by: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    pub cancel_reason: Option<&'a str>,
    /// Open and due before the instant read at: computed then, never stored.
    pub overdue: bool,
}

impl<'a> TaskAnswer<'a> {
    /// The task as read at `now` (the request's time, or the `asOf` instant).
    pub fn new(details: &'a TaskDetails, now: OffsetDateTime) -> Self {
        Self {
            task_id: &details.task_id,
            title: &details.title,
            notes: details.notes.as_deref(),
            kind: details.kind,
            priority: details.priority,
            due_at: details.due_at,
            assignee_id: &details.assignee_id,
            targets: &details.targets,
            status: details.status,
            created_by: details.created_by.as_deref(),
            created_at: details.created_at,
            completed_at: details.completed_at,
            cancelled_at: details.cancelled_at,
            cancel_reason: details.cancel_reason.as_deref(),
            overdue: details.overdue(now),
        }
    }
}

pub fn task_response(
    status: StatusCode,
    details: &TaskDetails,
    now: OffsetDateTime,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, &TaskAnswer::new(details, now), version)
}

/// A command on one task: `decide` at the version read (or the one `If-Match` names); 200
/// with the task after it.
pub async fn execute_on_task(
    invocation: &http_api::Invocation,
    id: &str,
    expected: event_sourcing::Expected,
    decide: impl FnOnce(&Task) -> Result<Vec<TaskEvent>, TaskError>,
) -> Result<Response<Body>, Problem> {
    let outcome = invocation.execute::<Task, _>(id, expected, decide).await?;
    task_response(
        StatusCode::OK,
        outcome.state.existing(id)?,
        invocation.now,
        outcome.version,
    )
}

/// `title` (1–200 characters), as create requires it and edit takes it.
pub fn title(fields: &mut Fields<'_>, required: bool) -> Option<String> {
    if required {
        fields.required_string("title", validate::text(200))
    } else {
        fields.optional_string("title", validate::text(200))
    }
}

/// `type` and `priority`, each one of its names.
pub fn kind_and_priority(fields: &mut Fields<'_>) -> (Option<TaskKind>, Option<Priority>) {
    let kind = fields
        .optional_choice("type", TaskKind::NAMES)
        .and_then(|name| TaskKind::parse(name.trim()));
    let priority = fields
        .optional_choice("priority", Priority::NAMES)
        .and_then(|name| Priority::parse(name.trim()));
    (kind, priority)
}

/// `dueAt`, an RFC 3339 instant.
pub fn due_at(fields: &mut Fields<'_>, required: bool) -> Option<OffsetDateTime> {
    if required && !fields.present("dueAt") {
        fields.error("dueAt", "is required");
    }
    fields.optional_timestamp("dueAt")
}

impl From<TaskError> for Problem {
    fn from(error: TaskError) -> Self {
        Problem::domain(error)
    }
}
