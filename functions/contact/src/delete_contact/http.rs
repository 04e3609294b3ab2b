use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{expected_version, path_id, Problem};

use super::{decide, DeleteContact};
use crate::contact::Contact;

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = DeleteContact {
        contact_id: path_id(&request, "id")?,
    };
    let expected = expected_version(&request)?;
    let id = command.contact_id.clone();
    invocation
        .execute::<Contact, _>(&id, expected, |state| decide(state, command))
        .await?;
    let mut response = lambda_http::Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    Ok(response)
}
