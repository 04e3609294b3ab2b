use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Patch, Problem};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};

use super::{decide, EditClient};
use crate::client::Client;
use crate::representation::client_response;

pub fn slice() -> Slice {
    Slice::new("edit-client", Access::ReadAndAppend, handle)
        .route("PUT", "/api/clients/{id}")
        .route("PATCH", "/api/clients/{id}")
}

/// PUT replaces (name required, an absent industry is cleared); PATCH changes what is given.
pub fn parse(request: &Request) -> Result<EditClient, Problem> {
    let client_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    if let Some(body_id) = body.get("clientId").and_then(|v| v.as_str()) {
        if body_id != client_id {
            fields.error("clientId", "must match the id in the path, or be left out");
        }
    }
    fields.string("clientId", |_| Ok(()));
    let (name, industry) = if request.method() == Method::PUT {
        let name = fields.required_string("name", validate::text(200));
        let industry = match fields.string("industry", validate::text(100)) {
            Patch::Absent => Patch::Null,
            other => other,
        };
        (name, industry)
    } else {
        let name = fields.string("name", validate::text(200));
        let industry = fields.string("industry", validate::text(100));
        if name == Patch::Null {
            fields.error("name", "cannot be removed");
        }
        if body.is_empty() {
            fields.error("", "a PATCH needs at least one of name, industry");
        }
        (name.into_option(), industry)
    };
    fields.finish()?;
    Ok(EditClient {
        client_id,
        name,
        industry,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let expected = expected_version(&request)?;
    let id = command.client_id.clone();
    let outcome = invocation
        .execute::<Client, _>(&id, expected, |state| decide(state, command))
        .await?;
    client_response(StatusCode::OK, outcome.state.active(&id)?, outcome.version)
}
