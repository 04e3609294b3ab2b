//! get-contact: `GET /api/contacts/{id}`, folded from the stream with a consistent read.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{path_id, Problem};
use shared::registry::{Access, Slice};

use crate::contact::Contact;
use crate::representation::contact_response;

pub fn slice() -> Slice {
    Slice::new("get-contact", Access::ReadStreams, handle).route("GET", "/api/contacts/{id}")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let loaded = invocation.load::<Contact>(&id).await?;
    contact_response(StatusCode::OK, loaded.state.active(&id)?, loaded.version)
}
