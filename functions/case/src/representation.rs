//! The JSON every case route answers with: the case, its status and version, and the version
//! as ETag.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;
use shared::http::{etag, json_response, Problem};

use crate::case::{Case, CaseDetails};

#[derive(Serialize)]
struct CaseRepresentation<'a> {
    #[serde(flatten)]
    details: &'a CaseDetails,
    status: &'static str,
    version: u64,
}

pub fn case_response(
    status: StatusCode,
    case: &Case,
    id: &str,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let details = case.existing(id)?;
    let case_status = if matches!(case, Case::Closed(_)) {
        "closed"
    } else {
        "open"
    };
    let mut response = json_response(
        status,
        &CaseRepresentation {
            details,
            status: case_status,
            version,
        },
    )?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}
