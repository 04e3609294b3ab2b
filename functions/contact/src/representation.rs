//! The JSON every contact route answers with: the contact, its version, and the version as ETag.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use shared::http::{etag, json_response, Problem};

use crate::contact::ContactDetails;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContactRepresentation<'a> {
    #[serde(flatten)]
    details: &'a ContactDetails,
    version: u64,
}

pub fn contact_response(
    status: StatusCode,
    details: &ContactDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let mut response = json_response(status, &ContactRepresentation { details, version })?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}
