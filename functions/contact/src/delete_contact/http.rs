use http_api::Invocation;
use http_api::{expected_version, no_content, path_id, query_flag, Problem};
use lambda_http::{Body, Request, Response};

use http_api::registry::{Access, Slice};

use super::{decide, CascadeToClients, DeleteContact};
use crate::contact::Contact;

pub fn slice() -> Slice {
    Slice::new("delete-contact", Access::ReadAndAppend, handle)
        .route("DELETE", "/api/contacts/{id}")
        .policy(CascadeToClients)
}

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
    Ok(no_content(outcome.version))
}
