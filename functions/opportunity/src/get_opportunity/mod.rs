//! get-opportunity: `GET /api/opportunities/{id}`: every field, its stage's probability,
//! version, ETag; `?asOf=` or `?version=` for the opportunity as it stood then (at an instant,
//! with its pipeline's probabilities of that instant too).

use contracts::pipeline_stream::PipelineStages;
use event_sourcing::AsOf;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::opportunity::Opportunity;
use crate::representation::opportunity_response;

pub fn slice() -> Slice {
    Slice::new("get-opportunity", Access::ReadStreams, handle)
        .route("GET", "/api/opportunities/{id}")
        .reads::<PipelineStages>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let as_of = as_of(&request)?;
    let loaded = invocation.load_as_of::<Opportunity>(&id, as_of).await?;
    let details = loaded.state.existing(&id)?;
    let pipeline_as_of = match as_of {
        Some(AsOf::Instant(at)) => Some(AsOf::Instant(at)),
        Some(AsOf::Version(_)) | None => None,
    };
    let pipeline = invocation
        .load_as_of::<PipelineStages>(&details.pipeline_id, pipeline_as_of)
        .await?;
    opportunity_response(
        StatusCode::OK,
        details,
        pipeline.state.0.as_ref(),
        loaded.version,
    )
}
