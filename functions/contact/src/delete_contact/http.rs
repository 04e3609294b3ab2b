use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{etag, expected_version, path_id, query_flag, Problem};

use super::{decide, DeleteContact};
use crate::contact::Contact;

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = DeleteContact {
        contact_id: path_id(&request, "id")?,
        cascade: query_flag(&request, "cascade")?,
    };
    let expected = expected_version(&request)?;
    let id = command.contact_id.clone();
    let outcome = invocation
        .execute::<Contact, _>(&id, expected, |state| decide(state, command))
        .await?;
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(header::ETAG, etag(outcome.version));
    Ok(response)
}
