use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, EditStage};
use crate::representation::{execute_on_stages, position, probability};

pub fn slice() -> Slice {
    Slice::new("edit-stage", Access::ReadAndAppend, handle)
        .route("PATCH", "/api/pipelines/{id}/stages/{stageId}")
}

pub fn parse(request: &Request) -> Result<EditStage, Problem> {
    let pipeline_id = path_id(request, "id")?;
    let stage_id = path_id(request, "stageId")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let label = fields.optional_string("label", validate::text(100));
    let probability = probability(&mut fields, false);
    let position = position(&mut fields);
    for (field, value) in &body {
        if value.is_null() {
            fields.error(field, "cannot be removed");
        }
    }
    if body.is_empty() {
        fields.error(
            "",
            "a PATCH needs at least one of label, probability, position",
        );
    }
    fields.finish()?;
    Ok(EditStage {
        pipeline_id,
        stage_id,
        label,
        probability,
        position,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let id = command.pipeline_id.clone();
    execute_on_stages(&invocation, &request, &id, StatusCode::OK, |state| {
        decide(state, command)
    })
    .await
}
