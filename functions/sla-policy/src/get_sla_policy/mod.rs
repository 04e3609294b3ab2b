//! get-sla-policy: `GET /api/sla-policy`: the policy in force (the defaults until one is set,
//! version 0), ETag; `?asOf=` or `?version=` for the policy in force then.

use contracts::sla_stream::{SlaPolicyRecord, POLICY_ID};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, Problem};
use lambda_http::{Body, Request, Response};

use crate::representation::policy_response;

pub fn slice() -> Slice {
    Slice::new("get-sla-policy", Access::ReadStreams, handle).route("GET", "/api/sla-policy")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    // Before any policy was set the defaults were in force: the fold of no events, version 0.
    let loaded = invocation
        .load_as_of::<SlaPolicyRecord>(POLICY_ID, as_of(&request)?)
        .await?;
    policy_response(&loaded.state.0, loaded.version)
}
