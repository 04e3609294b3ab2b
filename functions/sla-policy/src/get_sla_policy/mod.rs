//! get-sla-policy: `GET /api/sla-policy`: the policy in force (the defaults until one is set,
//! version 0), ETag; `?asOf=` or `?version=` for the policy in force then.

use contracts::sla_stream::{SlaPolicyRecord, POLICY_ID};
use event_sourcing::AsOf;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, Problem};
use lambda_http::{Body, Request, Response};

use crate::representation::policy_response;

pub fn slice() -> Slice {
    Slice::new("get-sla-policy", Access::ReadStreams, handle).route("GET", "/api/sla-policy")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let as_of = as_of(&request)?;
    // Before any policy was set, the defaults were in force: never a 404.
    let loaded = match invocation
        .load_as_of::<SlaPolicyRecord>(POLICY_ID, as_of)
        .await
    {
        Ok(loaded) => loaded,
        Err(_) if matches!(as_of, Some(AsOf::Instant(_))) => {
            return policy_response(&SlaPolicyRecord::default().0, 0)
        }
        Err(error) => return Err(error.into()),
    };
    policy_response(&loaded.state.0, loaded.version)
}
