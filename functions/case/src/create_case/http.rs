use contracts::client_stream::ClientName;
use contracts::sla_stream::{SlaPolicyRecord, POLICY_ID};
use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;

use super::{decide, CreateCase};
use crate::case::{Case, Origin, Priority};
use crate::representation::case_response;

pub fn slice() -> Slice {
    Slice::new("create-case", Access::Append, handle)
        .route("POST", "/api/cases")
        // A case is opened for an existing client, on the SLA policy in force.
        .reads::<ClientName>()
        .reads::<SlaPolicyRecord>()
}

/// `open` would be shadowed by the `GET /api/cases/open` query route, so it is no case id.
pub const RESERVED_CASE_IDS: &[&str] = &["open"];

pub fn parse(request: &Request, now: OffsetDateTime) -> Result<CreateCase, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let case_id = fields.optional_string("caseId", |id| {
        validate::id(id)?;
        if RESERVED_CASE_IDS.contains(&id) {
            return Err(format!(
                "'{id}' is reserved by the route GET /api/cases/{id}"
            ));
        }
        Ok(())
    });
    let client_id = fields.required_string("clientId", validate::id);
    let description = fields.required_string("description", validate::text(2000));
    let opened_at = fields.optional_timestamp("openedAt");
    let priority = fields
        .optional_choice("priority", Priority::NAMES)
        .and_then(|name| Priority::parse(name.trim()));
    let assignee_id = fields.optional_string("assigneeId", validate::id);
    let origin = fields
        .optional_choice("origin", Origin::NAMES)
        .and_then(|name| Origin::parse(name.trim()));
    fields.finish()?;
    Ok(CreateCase {
        case_id: case_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        client_id: client_id.unwrap_or_default(),
        description: description.unwrap_or_default(),
        opened_at: opened_at.unwrap_or(now),
        priority: priority.unwrap_or_default(),
        assignee_id,
        origin,
        client_exists: false,
        policy: Default::default(),
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let mut command = parse(&request, invocation.now)?;
    // Clients are never deleted, so a client read now still exists when the case is written.
    let client = invocation.load::<ClientName>(&command.client_id).await?;
    command.client_exists = client.state.exists();
    command.policy = invocation.load::<SlaPolicyRecord>(POLICY_ID).await?.state.0;
    let id = command.case_id.clone();
    let outcome = invocation
        .execute::<Case, _>(&id, Expected::New, |state| decide(state, command))
        .await?;
    let mut response = case_response(
        StatusCode::CREATED,
        &outcome.state,
        &id,
        outcome.version,
        invocation.now,
    )?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/cases/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
