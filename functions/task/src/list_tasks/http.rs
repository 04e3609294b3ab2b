use event_sourcing::projection::Index;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_page, page_response, validate, Problem};
use lambda_http::{Body, Request, RequestExt, Response};

use super::{assignee_partition, ByAssignee, Listed};
use crate::representation::TaskAnswer;
use crate::task::{sortable, Status, Task, TaskDetails};

pub fn slice() -> Slice {
    Slice::new("list-tasks", Access::ReadModels, handle)
        .route("GET", "/api/tasks")
        .view::<Listed<ByAssignee>>()
        .reads::<Task>()
}

/// `status`: `open` (the default), `completed`, `cancelled`, or `all` (`None`).
pub fn status_of(request: &Request) -> Result<Option<Status>, Problem> {
    match request
        .query_string_parameters()
        .first("status")
        .unwrap_or("open")
    {
        "all" => Ok(None),
        other => Status::parse(other).map(Some).ok_or_else(|| {
            Problem::bad_request(format!(
                "status {other:?} must be one of open, completed, cancelled, all"
            ))
        }),
    }
}

/// `assigneeId`: an id, or `me` (the default): the caller.
pub fn assignee_of(request: &Request, caller: Option<&str>) -> Result<Option<String>, Problem> {
    match request.query_string_parameters().first("assigneeId") {
        None => Ok(None),
        Some("me") => caller
            .filter(|id| validate::id(id).is_ok())
            .map(|id| Some(id.to_owned()))
            .ok_or_else(|| {
                Problem::bad_request(
                    "assigneeId=me needs a caller with an id of letters, digits, '-' and '_'",
                )
            }),
        Some(id) => validate::id(id)
            .map(|()| Some(id.to_owned()))
            .map_err(|m| Problem::bad_request(format!("assigneeId {m}"))),
    }
}

/// One page of a task partition, each item as `GET /api/tasks/{id}` answers it. A task's
/// person's data is not in the read model: it is read from the task's sealed stream (so an
/// erased person's reads as erased), one read per such task on the page.
pub async fn listed_tasks(
    invocation: &Invocation,
    request: &Request,
    index: Index,
    partition: String,
    to: Option<String>,
) -> Result<Response<Body>, Problem> {
    let page = list_page(invocation, request, index, &[partition], to).await?;
    let listed: Vec<TaskDetails> = page
        .items
        .into_iter()
        .filter_map(|(_, stored)| serde_json::from_value(stored.view?).ok())
        .collect();
    let texts = futures::future::try_join_all(listed.iter().map(|details| async move {
        match details.person() {
            Some(_) => invocation
                .load::<Task>(&details.task_id)
                .await
                .map(|loaded| match loaded.state {
                    Task::Active(full) => Some(full),
                    Task::NotCreated => None,
                }),
            None => Ok(None),
        }
    }))
    .await?;
    let items = listed
        .into_iter()
        .zip(texts)
        .filter_map(|(details, full)| {
            let details = match full {
                Some(full) => details.with_personal_data_of(&full),
                None => details,
            };
            serde_json::to_value(TaskAnswer::new(&details, invocation.now)).ok()
        })
        .collect();
    page_response(items, page.next_cursor)
}

/// `GET /api/tasks?assigneeId=<id>|me[&status=][&dueBefore=<instant>]`.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let caller = invocation.trace.user_id.clone();
    let assignee = match assignee_of(&request, caller.as_deref())? {
        Some(assignee) => assignee,
        None => assignee_of_me(caller.as_deref())?,
    };
    let status = status_of(&request)?;
    let due_before = request
        .query_string_parameters()
        .first("dueBefore")
        .map(|text| {
            validate::parse_rfc3339(text)
                .map_err(|m| Problem::bad_request(format!("dueBefore {m}")))
        })
        .transpose()?;
    let index = match status {
        Some(_) => Index::List,
        None => Index::Lookup,
    };
    // A sort key is `<due>#<id>`: every key at most `<instant>` is due before it.
    let to = due_before.map(sortable);
    listed_tasks(
        &invocation,
        &request,
        index,
        assignee_partition(&assignee, status),
        to,
    )
    .await
}

fn assignee_of_me(caller: Option<&str>) -> Result<String, Problem> {
    caller
        .filter(|id| validate::id(id).is_ok())
        .map(str::to_owned)
        .ok_or_else(|| Problem::bad_request("give assigneeId: the caller has no id to list by"))
}
