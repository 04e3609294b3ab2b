use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, no_content, path_id, Problem};
use lambda_http::{Body, Request, Response};

use contact::policies::RecordUnlinkOnContact;

use super::{decide, UnlinkContact};
use crate::client::Client;

pub fn slice() -> Slice {
    Slice::new("unlink-contact", Access::ReadAndAppend, handle)
        .route("DELETE", "/api/clients/{id}/contacts/{contactId}")
        .policy(RecordUnlinkOnContact)
}

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
    Ok(no_content(outcome.version))
}
