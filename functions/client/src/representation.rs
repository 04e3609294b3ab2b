//! The JSON every client route answers with: the client, its version, and the version as ETag.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use shared::http::{etag, json_response, Problem};

use crate::client::ClientDetails;

#[derive(Serialize)]
struct ClientRepresentation<'a> {
    #[serde(flatten)]
    details: &'a ClientDetails,
    version: u64,
}

pub fn client_response(
    status: StatusCode,
    details: &ClientDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let mut response = json_response(status, &ClientRepresentation { details, version })?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}
