use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, CloseOpportunity, Closing};
use crate::representation::execute_in_pipeline;

pub fn slice() -> Slice {
    Slice::new("close-opportunity", Access::ReadAndAppend, handle)
        .route("POST", "/api/opportunities/{id}/won")
        .route("POST", "/api/opportunities/{id}/lost")
        .reads::<PipelineStages>()
}

/// Won or lost, from the path; a loss needs its reason.
pub fn parse(request: &Request, now: time::OffsetDateTime) -> Result<CloseOpportunity, Problem> {
    let opportunity_id = path_id(request, "id")?;
    let body = json_object_or_empty(request)?;
    let mut fields = Fields::new(&body);
    let closed_at = fields.optional_timestamp("closedAt");
    let closing = if request.uri().path().ends_with("/lost") {
        let reason = fields.required_string("reason", validate::text(1000));
        Closing::Lost {
            reason: reason.unwrap_or_default(),
        }
    } else {
        Closing::Won
    };
    fields.finish()?;
    Ok(CloseOpportunity {
        opportunity_id,
        closing,
        closed_at: closed_at.unwrap_or(now),
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request, invocation.now)?;
    let expected = expected_version(&request)?;
    let id = command.opportunity_id.clone();
    execute_in_pipeline(&invocation, &id, expected, |state, pipeline| {
        decide(state, command, pipeline)
    })
    .await
}
