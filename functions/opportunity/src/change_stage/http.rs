use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, ChangeStage};
use crate::representation::execute_in_pipeline;

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
    execute_in_pipeline(&invocation, &opportunity_id, expected, |state, pipeline| {
        decide(state, command, pipeline)
    })
    .await
}
