//! get-contact: `GET /api/contacts/{id}`, folded from the stream with a consistent read.

use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{as_of, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use crate::contact::Contact;
use crate::representation::contact_response;

pub fn slice() -> Slice {
    Slice::new("get-contact", Access::ReadStreams, handle).route("GET", "/api/contacts/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    // ?version=N or ?asOf=<RFC 3339>: the record as it was then, with that version's ETag.
    let loaded = invocation
        .load_as_of::<Contact>(&id, as_of(&request)?)
        .await?;
    contact_response(StatusCode::OK, loaded.state.active(&id)?, loaded.version)
}
