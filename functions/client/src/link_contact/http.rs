use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};

use contact::policies::RecordLinkOnContact;

use super::{decide, LinkContact};
use crate::client::Client;
use crate::representation::client_response;

pub fn slice() -> Slice {
    Slice::new("link-contact", Access::ReadAndAppend, handle)
        .route("POST", "/api/clients/{id}/contacts")
        .policy(RecordLinkOnContact)
}

pub fn parse(request: &Request) -> Result<LinkContact, Problem> {
    let client_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let contact_id = fields.required_string("contactId", validate::id);
    fields.finish()?;
    Ok(LinkContact {
        client_id,
        contact_id: contact_id.unwrap_or_default(),
    })
}

/// 201 with the client, and the link's own address as `Location`.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let expected = expected_version(&request)?;
    let (client_id, contact_id) = (command.client_id.clone(), command.contact_id.clone());
    let outcome = invocation
        .execute::<Client, _>(&client_id, expected, |state| decide(state, command))
        .await?;
    let mut response = client_response(
        StatusCode::CREATED,
        outcome.state.active(&client_id)?,
        outcome.version,
    )?;
    if let Ok(location) =
        HeaderValue::from_str(&format!("/api/clients/{client_id}/contacts/{contact_id}"))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
