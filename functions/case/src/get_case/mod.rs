//! get-case: `GET /api/cases/{id}`: client, description, dates, status, interactions in order.

use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use http_api::registry::{Access, Slice};

use crate::case::Case;
use crate::representation::case_response;

pub fn slice() -> Slice {
    Slice::new("get-case", Access::ReadStreams, handle).route("GET", "/api/cases/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    // ?version=N or ?asOf=<RFC 3339>: the record as it was then, with that version's ETag.
    let loaded = invocation.load_as_of::<Case>(&id, as_of(&request)?).await?;
    case_response(StatusCode::OK, &loaded.state, &id, loaded.version)
}
