//! The JSON the policy's routes answer with: the policy in force and its version (0: the
//! defaults, nothing stored yet).

use contracts::sla_stream::SlaPolicy;
use http_api::{versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub fn policy_response(policy: &SlaPolicy, version: u64) -> Result<Response<Body>, Problem> {
    versioned_response(StatusCode::OK, policy, version)
}
