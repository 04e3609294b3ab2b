use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};

use super::{decide, CreateClient};
use crate::client::Client;
use crate::representation::client_response;

pub fn slice() -> Slice {
    Slice::new("create-client", Access::Append, handle).route("POST", "/api/clients")
}

pub fn parse(request: &Request) -> Result<CreateClient, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let client_id = fields.optional_string("clientId", validate::id);
    let name = fields.required_string("name", validate::text(200));
    let industry = fields.optional_string("industry", validate::text(100));
    fields.finish()?;
    Ok(CreateClient {
        client_id: client_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: name.unwrap_or_default(),
        industry,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let id = command.client_id.clone();
    let outcome = invocation
        .execute::<Client, _>(&id, Expected::New, |state| decide(state, command))
        .await?;
    let mut response = client_response(
        StatusCode::CREATED,
        outcome.state.active(&id)?,
        outcome.version,
    )?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/clients/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
