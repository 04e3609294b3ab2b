//! list-overdue-tasks: `GET /api/tasks/overdue[?assigneeId=<id>|me]`: open tasks due before
//! now, most overdue first. One index query per page however many tasks exist: the open
//! partition (an assignee's, or every open task's) read up to now, never filtered.

use event_sourcing::projection::Index;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::Problem;
use lambda_http::{Body, Request, Response};

use crate::list_tasks::{
    assignee_of, assignee_partition, listed_tasks, ByAssignee, Listed, OpenTasks, OPEN_TASKS,
};
use crate::task::{sortable, Status, Task};

pub fn slice() -> Slice {
    Slice::new("list-overdue-tasks", Access::ReadModels, handle)
        .route("GET", "/api/tasks/overdue")
        .view::<Listed<ByAssignee>>()
        .view::<Listed<OpenTasks>>()
        .reads::<Task>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let partition = match assignee_of(&request, invocation.trace.user_id.as_deref())? {
        Some(assignee) => assignee_partition(&assignee, Some(Status::Open)),
        None => OPEN_TASKS.to_owned(),
    };
    // Due strictly before now: `<now>` sorts before `<now>#<id>`. A cursor keeps this bound.
    let to = Some(sortable(invocation.now));
    listed_tasks(&invocation, &request, Index::List, partition, to).await
}
