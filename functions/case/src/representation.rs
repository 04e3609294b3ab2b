//! The JSON every case route answers with: the case, its status and version, and the version
//! as ETag.

use http_api::{versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::case::{Case, CaseDetails};

#[derive(Serialize)]
struct CaseRepresentation<'a> {
    #[serde(flatten)]
    details: &'a CaseDetails,
    status: &'static str,
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
    let representation = CaseRepresentation {
        details,
        status: case_status,
    };
    versioned_response(status, &representation, version)
}

impl From<crate::case::CaseError> for Problem {
    fn from(error: crate::case::CaseError) -> Self {
        Problem::domain(error)
    }
}
