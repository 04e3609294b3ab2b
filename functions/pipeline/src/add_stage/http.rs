use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, AddStage};
use crate::pipeline::Pipeline;
use crate::representation::{pipeline_response, position, probability};

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
    let expected = expected_version(&request)?;
    let id = command.pipeline_id.clone();
    let outcome = invocation
        .execute::<Pipeline, _>(&id, expected, |state| decide(state, command))
        .await?;
    pipeline_response(
        StatusCode::CREATED,
        outcome.state.active(&id)?,
        outcome.version,
    )
}
