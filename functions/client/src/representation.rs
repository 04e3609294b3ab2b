//! The JSON every client route answers with: the client, its version, and the version as ETag.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use shared::http::{versioned_response, Problem};

use crate::client::ClientDetails;

pub fn client_response(
    status: StatusCode,
    details: &ClientDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, details, version)
}
