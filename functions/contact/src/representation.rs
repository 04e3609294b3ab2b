//! The JSON every contact route answers with: the contact, its version, and the version as ETag.

use http_api::{versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use crate::contact::ContactDetails;

pub fn contact_response(
    status: StatusCode,
    details: &ContactDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, details, version)
}

impl From<crate::contact::ContactError> for Problem {
    fn from(error: crate::contact::ContactError) -> Self {
        Problem::domain(error)
    }
}
