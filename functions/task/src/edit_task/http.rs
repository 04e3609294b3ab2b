use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, EditTask};
use crate::representation::{due_at, execute_on_task, kind_and_priority, title};

pub fn slice() -> Slice {
    Slice::new("edit-task", Access::ReadAndAppend, handle)
        .route("PATCH", "/api/tasks/{id}")
        .seals_personal_data()
}

/// `notes: null` clears them; nothing else clears.
pub fn parse(request: &Request) -> Result<EditTask, Problem> {
    let task_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let title = title(&mut fields, false);
    let notes = fields.string("notes", validate::text(5000));
    let (kind, priority) = kind_and_priority(&mut fields);
    let due_at = due_at(&mut fields, false);
    let assignee_id = fields.optional_string("assigneeId", validate::id);
    for (field, value) in &body {
        if value.is_null() && field != "notes" {
            fields.error(field, "cannot be removed");
        }
    }
    if body.is_empty() {
        fields.error(
            "",
            "a PATCH needs at least one of title, notes, type, priority, dueAt, assigneeId",
        );
    }
    fields.finish()?;
    Ok(EditTask {
        task_id,
        title,
        notes,
        kind,
        priority,
        due_at,
        assignee_id,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let expected = expected_version(&request)?;
    let id = command.task_id.clone();
    execute_on_task(&invocation, &id, expected, |state| decide(state, command)).await
}
