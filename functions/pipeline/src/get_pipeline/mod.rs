//! get-pipeline: `GET /api/pipelines/{id}`: name, stages in order, version, ETag; `?asOf=` or
//! `?version=` for the pipeline as it stood then.

use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::pipeline::Pipeline;
use crate::representation::pipeline_response;

pub fn slice() -> Slice {
    Slice::new("get-pipeline", Access::ReadStreams, handle).route("GET", "/api/pipelines/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let loaded = invocation
        .load_as_of::<Pipeline>(&id, as_of(&request)?)
        .await?;
    pipeline_response(StatusCode::OK, loaded.state.active(&id)?, loaded.version)
}
