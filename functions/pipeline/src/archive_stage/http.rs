use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, ArchiveStage};
use crate::representation::execute_on_stages;

pub fn slice() -> Slice {
    Slice::new("archive-stage", Access::ReadAndAppend, handle)
        .route("POST", "/api/pipelines/{id}/stages/{stageId}/archive")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = ArchiveStage {
        pipeline_id: path_id(&request, "id")?,
        stage_id: path_id(&request, "stageId")?,
    };
    let id = command.pipeline_id.clone();
    execute_on_stages(&invocation, &request, &id, StatusCode::OK, |state| {
        decide(state, command)
    })
    .await
}
