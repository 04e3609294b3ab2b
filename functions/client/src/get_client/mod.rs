//! get-client: `GET /api/clients/{id}`: name, industry, linked contact ids, version, ETag.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{path_id, Problem};

use shared::registry::{Access, Slice};

use crate::client::Client;
use crate::representation::client_response;

pub fn slice() -> Slice {
    Slice::new("get-client", Access::ReadStreams, handle).route("GET", "/api/clients/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let loaded = invocation.load::<Client>(&id).await?;
    client_response(StatusCode::OK, loaded.state.active(&id)?, loaded.version)
}
