use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{etag, expected_version, path_id, Problem};

use super::{decide, UnlinkContact};
use crate::client::Client;

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = UnlinkContact {
        client_id: path_id(&request, "id")?,
        contact_id: path_id(&request, "contactId")?,
    };
    let expected = expected_version(&request)?;
    let id = command.client_id.clone();
    let outcome = invocation
        .execute::<Client, _>(&id, expected, |state| decide(state, command))
        .await?;
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
        .headers_mut()
        .insert(header::ETAG, etag(outcome.version));
    Ok(response)
}
