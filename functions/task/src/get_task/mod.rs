//! get-task: `GET /api/tasks/{id}`: every field, `overdue` computed at the instant read,
//! version, ETag; `?asOf=` or `?version=` for the task as it stood then (overdue as of that
//! instant).

use event_sourcing::AsOf;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::representation::task_response;
use crate::task::Task;

pub fn slice() -> Slice {
    Slice::new("get-task", Access::ReadStreams, handle).route("GET", "/api/tasks/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let as_of = as_of(&request)?;
    let loaded = invocation.load_as_of::<Task>(&id, as_of).await?;
    let read_at = match as_of {
        Some(AsOf::Instant(at)) => at,
        Some(AsOf::Version(_)) | None => invocation.now,
    };
    task_response(
        StatusCode::OK,
        loaded.state.existing(&id)?,
        read_at,
        loaded.version,
    )
}
