use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, ArchiveStage};
use crate::pipeline::Pipeline;
use crate::representation::pipeline_response;

pub fn slice() -> Slice {
    Slice::new("archive-stage", Access::ReadAndAppend, handle)
        .route("POST", "/api/pipelines/{id}/stages/{stageId}/archive")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = ArchiveStage {
        pipeline_id: path_id(&request, "id")?,
        stage_id: path_id(&request, "stageId")?,
    };
    let expected = expected_version(&request)?;
    let id = command.pipeline_id.clone();
    let outcome = invocation
        .execute::<Pipeline, _>(&id, expected, |state| decide(state, command))
        .await?;
    pipeline_response(StatusCode::OK, outcome.state.active(&id)?, outcome.version)
}
