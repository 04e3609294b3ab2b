use case::policies::RecordTaskOnCase;
use client::policies::RecordTaskOnClient;
use contact::policies::RecordTaskOnContact;
use contracts::task_stream::{Target, TARGET_TYPES};
use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use opportunity::policies::RecordTaskOnOpportunity;
use time::OffsetDateTime;

use super::{decide, CreateTask};
use crate::representation::{due_at, kind_and_priority, task_response, title};
use crate::task::{Priority, Task, TaskKind, MAX_TARGETS};

pub fn slice() -> Slice {
    Slice::new("create-task", Access::Append, handle)
        .route("POST", "/api/tasks")
        // Each target must exist (a contact be live), and records the task on its stream.
        .policy(RecordTaskOnContact::default())
        .policy(RecordTaskOnClient::default())
        .policy(RecordTaskOnCase::default())
        .policy(RecordTaskOnOpportunity::default())
        .seals_personal_data()
}

/// One target: `{type, id}`.
fn target(fields: &mut Fields<'_>) -> Target {
    let kind = fields.optional_choice("type", TARGET_TYPES);
    if kind.is_none() && !fields.present("type") {
        fields.error("type", "is required");
    }
    let id = fields.required_string("id", validate::id);
    Target {
        kind: kind.unwrap_or_default(),
        id: id.unwrap_or_default(),
    }
}

pub fn parse(
    request: &Request,
    caller: Option<&str>,
    now: OffsetDateTime,
) -> Result<CreateTask, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let task_id = fields.optional_string("taskId", validate::id);
    let title = title(&mut fields, true);
    let notes = fields.optional_string("notes", validate::text(5000));
    let (kind, priority) = kind_and_priority(&mut fields);
    let due_at = due_at(&mut fields, true);
    let assignee_id = fields.id_or_caller("assigneeId", caller);
    let targets: Vec<Target> = fields
        .optional_objects("targets", 0..=MAX_TARGETS, target)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    fields.no_repeats(
        &targets,
        Target::clone,
        |index| format!("targets/{index}"),
        "targets a record already targeted",
    );
    // Its text is one person's data, sealed under their key: erasing them erases it.
    let people = targets
        .iter()
        .enumerate()
        .filter(|(_, target)| target.kind == contracts::streams::CONTACT);
    for (index, _) in people.skip(1) {
        fields.error(
            &format!("targets/{index}"),
            "a task targets at most one contact: its title and notes are that person's data",
        );
    }
    fields.finish()?;
    let (Some(due_at), Some(assignee_id)) = (due_at, assignee_id) else {
        return Err(Problem::bad_request("the task could not be read"));
    };
    Ok(CreateTask {
        task_id: task_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        title: title.unwrap_or_default(),
        notes,
        kind: kind.unwrap_or(TaskKind::Todo),
        priority: priority.unwrap_or(Priority::Normal),
        due_at,
        assignee_id,
        targets,
        created_by: caller.map(str::to_owned),
        created_at: now,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(
        &request,
        invocation.trace.user_id.as_deref(),
        invocation.now,
    )?;
    let id = command.task_id.clone();
    let outcome = invocation
        .execute::<Task, _>(&id, Expected::New, |state| decide(state, command))
        .await?;
    let mut response = task_response(
        StatusCode::CREATED,
        outcome.state.existing(&id)?,
        invocation.now,
        outcome.version,
    )?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/tasks/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
