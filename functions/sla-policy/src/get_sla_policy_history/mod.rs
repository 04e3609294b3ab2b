//! get-sla-policy-history: `GET /api/sla-policy/history`: every change of the policy, who made
//! it and when, paged as every record's history.

use contracts::sla_stream::{SlaPolicyRecord, POLICY_ID};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::Problem;
use lambda_http::{Body, Request, Response};

pub fn slice() -> Slice {
    Slice::new("get-sla-policy-history", Access::ReadStreams, handle)
        .route("GET", "/api/sla-policy/history")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    http_api::history::history_of::<SlaPolicyRecord>(&invocation, &request, POLICY_ID).await
}
