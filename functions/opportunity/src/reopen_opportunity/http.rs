use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, ReopenOpportunity};
use crate::representation::execute_in_pipeline;

pub fn slice() -> Slice {
    Slice::new("reopen-opportunity", Access::ReadAndAppend, handle)
        .route("POST", "/api/opportunities/{id}/reopen")
        .reads::<PipelineStages>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let body = json_object_or_empty(&request)?;
    let mut fields = Fields::new(&body);
    let stage_id = fields.optional_string("stageId", validate::id);
    fields.finish()?;
    let expected = expected_version(&request)?;
    let command = ReopenOpportunity {
        opportunity_id: id.clone(),
        stage_id,
        at: invocation.now,
    };
    execute_in_pipeline(&invocation, &id, expected, |state, pipeline| {
        decide(state, command, pipeline)
    })
    .await
}
