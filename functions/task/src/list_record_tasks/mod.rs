//! list-record-tasks: `GET /api/{contacts|clients|cases|opportunities}/{id}/tasks[?status=]`:
//! the tasks that target one record, sorted by due time then id, one index query per page.

use event_sourcing::projection::Index;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{path_id, Problem};
use lambda_http::{Body, Request, Response};

use crate::list_tasks::{listed_tasks, status_of, target_partition, ByTarget, Listed};
use crate::task::Task;

pub fn slice() -> Slice {
    Slice::new("list-record-tasks", Access::ReadModels, handle)
        .route("GET", "/api/contacts/{id}/tasks")
        .route("GET", "/api/clients/{id}/tasks")
        .route("GET", "/api/cases/{id}/tasks")
        .route("GET", "/api/opportunities/{id}/tasks")
        .view::<Listed<ByTarget<0>>>()
        .view::<Listed<ByTarget<1>>>()
        .view::<Listed<ByTarget<2>>>()
        .view::<Listed<ByTarget<3>>>()
        .view::<Listed<ByTarget<4>>>()
        .view::<Listed<ByTarget<5>>>()
        .view::<Listed<ByTarget<6>>>()
        .view::<Listed<ByTarget<7>>>()
        .view::<Listed<ByTarget<8>>>()
        .view::<Listed<ByTarget<9>>>()
        .reads::<Task>()
}

/// The record's type, from the route's collection.
fn kind_of(request: &Request) -> Result<&'static str, Problem> {
    let collection = request.uri().path().trim_start_matches("/api/");
    let kind = [
        ("contacts/", contracts::streams::CONTACT),
        ("clients/", contracts::streams::CLIENT),
        ("cases/", contracts::streams::CASE),
        ("opportunities/", contracts::streams::OPPORTUNITY),
    ]
    .into_iter()
    .find(|(prefix, _)| collection.starts_with(prefix))
    .map(|(_, kind)| kind);
    kind.ok_or_else(|| Problem::bad_request("not a record that tasks target"))
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let kind = kind_of(&request)?;
    let id = path_id(&request, "id")?;
    let status = status_of(&request)?;
    let index = match status {
        Some(_) => Index::List,
        None => Index::Lookup,
    };
    listed_tasks(
        &invocation,
        &request,
        index,
        target_partition(kind, &id, status),
        None,
    )
    .await
}
