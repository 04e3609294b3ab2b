use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, AddStage};
use crate::representation::{execute_on_stages, position, probability};

pub fn slice() -> Slice {
    Slice::new("add-stage", Access::ReadAndAppend, handle)
        .route("POST", "/api/pipelines/{id}/stages")
}

pub fn parse(request: &Request) -> Result<AddStage, Problem> {
    let pipeline_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let stage_id = fields.optional_string("stageId", validate::id);
    let label = fields.required_string("label", validate::text(100));
    let probability = probability(&mut fields, true);
    let position = position(&mut fields);
    fields.finish()?;
    Ok(AddStage {
        pipeline_id,
        stage_id: stage_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        label: label.unwrap_or_default(),
        probability: probability.unwrap_or_default(),
        position,
    })
}

/// 201 with the whole pipeline: its stage order is what changed.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let id = command.pipeline_id.clone();
    execute_on_stages(&invocation, &request, &id, StatusCode::CREATED, |state| {
        decide(state, command)
    })
    .await
}
