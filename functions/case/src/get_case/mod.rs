//! get-case: `GET /api/cases/{id}`: client, description, dates, workflow, interactions in
//! order, SLA clocks; `?asOf=` the case and its clocks as they stood then.

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
    let as_of = as_of(&request)?;
    let loaded = invocation.load_as_of::<Case>(&id, as_of).await?;
    // The clocks as they stood at that instant.
    let read_at = match as_of {
        Some(event_sourcing::AsOf::Instant(at)) => at,
        _ => invocation.now,
    };
    case_response(StatusCode::OK, &loaded.state, &id, loaded.version, read_at)
}
