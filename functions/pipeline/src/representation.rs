//! The JSON every pipeline route answers with: the pipeline, its version, and the version as
//! ETag; and the fields the stage routes read alike.

use http_api::{versioned_response, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use crate::pipeline::{PipelineDetails, PipelineError};

pub fn pipeline_response(
    status: StatusCode,
    details: &PipelineDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, details, version)
}

/// A stage command on pipeline `id`, decided at the version asked (`If-Match`) or read; the
/// whole pipeline after it (its stage order may be what changed).
pub async fn execute_on_stages(
    invocation: &http_api::Invocation,
    request: &lambda_http::Request,
    id: &str,
    status: StatusCode,
    decide: impl FnOnce(&crate::Pipeline) -> Result<Vec<crate::PipelineEvent>, PipelineError>,
) -> Result<Response<Body>, Problem> {
    let expected = http_api::expected_version(request)?;
    let outcome = invocation
        .execute::<crate::Pipeline, _>(id, expected, decide)
        .await?;
    pipeline_response(status, outcome.state.active(id)?, outcome.version)
}

/// `probability`: a whole percent.
pub fn probability(fields: &mut Fields<'_>, required: bool) -> Option<u8> {
    let value = if required {
        fields.required_integer("probability", 0..=100)
    } else {
        fields.optional_integer("probability", 0..=100)
    };
    value.and_then(|p| u8::try_from(p).ok())
}

/// `position`: a 0-based place among all the pipeline's stages.
pub fn position(fields: &mut Fields<'_>) -> Option<usize> {
    let max = crate::pipeline::MAX_STAGES as i64;
    fields
        .optional_integer("position", 0..=max)
        .and_then(|p| usize::try_from(p).ok())
}

impl From<PipelineError> for Problem {
    fn from(error: PipelineError) -> Self {
        Problem::domain(error)
    }
}
