use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, ChangeStage};
use crate::opportunity::Opportunity;
use crate::representation::opportunity_response;

pub fn slice() -> Slice {
    Slice::new("change-stage", Access::ReadAndAppend, handle)
        .route("POST", "/api/opportunities/{id}/stage")
        .reads::<PipelineStages>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let opportunity_id = path_id(&request, "id")?;
    let body = json_object(&request)?;
    let mut fields = Fields::new(&body);
    let stage_id = fields.required_string("stageId", validate::id);
    fields.finish()?;
    let expected = expected_version(&request)?;
    let command = ChangeStage {
        opportunity_id: opportunity_id.clone(),
        stage_id: stage_id.unwrap_or_default(),
        at: invocation.now,
    };
    let current = invocation.load::<Opportunity>(&opportunity_id).await?;
    let pipeline_id = current.state.existing(&opportunity_id)?.pipeline_id.clone();
    let pipeline = invocation
        .load::<PipelineStages>(&pipeline_id)
        .await?
        .state
        .0;
    let outcome = invocation
        .execute::<Opportunity, _>(&opportunity_id, expected, |state| {
            decide(state, command, pipeline.as_ref())
        })
        .await?;
    opportunity_response(
        StatusCode::OK,
        outcome.state.existing(&opportunity_id)?,
        pipeline.as_ref(),
        outcome.version,
    )
}
