use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};

use super::{decide, CreateContact};
use crate::contact::Contact;
use crate::representation::contact_response;

pub fn slice() -> Slice {
    Slice::new("create-contact", Access::Append, handle)
        .route("POST", "/api/contacts")
        .seals_personal_data()
}

pub fn parse(request: &Request) -> Result<CreateContact, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let contact_id = fields.optional_string("contactId", validate::id);
    let name = fields.required_string("name", validate::text(200));
    let email = fields.required_string("email", validate::email);
    let phone = fields.optional_string("phone", validate::phone);
    fields.finish()?;
    Ok(CreateContact {
        contact_id: contact_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: name.unwrap_or_default(),
        email: email.unwrap_or_default(),
        phone,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let id = command.contact_id.clone();
    let outcome = invocation
        .execute::<Contact, _>(&id, Expected::New, |state| decide(state, command))
        .await?;
    let details = outcome.state.active(&id)?;
    let mut response = contact_response(StatusCode::CREATED, details, outcome.version)?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/contacts/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
