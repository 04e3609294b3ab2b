//! The JSON every contact route answers with: the contact, its version, and the version as ETag.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use shared::http::{versioned_response, Problem};

use crate::contact::ContactDetails;

pub fn contact_response(
    status: StatusCode,
    details: &ContactDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, details, version)
}
