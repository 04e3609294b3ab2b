//! The JSON every client route answers with: the client, its version, and the version as ETag.

use http_api::{versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use crate::client::ClientDetails;

pub fn client_response(
    status: StatusCode,
    details: &ClientDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, details, version)
}

impl From<crate::client::ClientError> for Problem {
    fn from(error: crate::client::ClientError) -> Self {
        Problem::domain(error)
    }
}
