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
