//! get-client: `GET /api/clients/{id}`: name, industry, linked contact ids, version, ETag.

use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use http_api::registry::{Access, Slice};

use crate::client::Client;
use crate::representation::client_response;

pub fn slice() -> Slice {
    Slice::new("get-client", Access::ReadStreams, handle).route("GET", "/api/clients/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    // ?version=N or ?asOf=<RFC 3339>: the record as it was then, with that version's ETag.
    let loaded = invocation
        .load_as_of::<Client>(&id, as_of(&request)?)
        .await?;
    client_response(StatusCode::OK, loaded.state.active(&id)?, loaded.version)
}
