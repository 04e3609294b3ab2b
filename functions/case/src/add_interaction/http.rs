use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{expected_version, json_object, path_id, validate, Fields, Problem};
use shared::registry::{Access, Slice};
use time::OffsetDateTime;

use super::{decide, AddInteraction, RecordMentionOnContact};
use crate::case::{Case, InteractionType};
use crate::representation::case_response;

pub fn slice() -> Slice {
    Slice::new("add-interaction", Access::ReadAndAppend, handle)
        .route("POST", "/api/cases/{id}/interactions")
        // The contact an interaction names must exist, and records the mention.
        .policy(RecordMentionOnContact)
        .seals_personal_data()
}

pub fn parse(request: &Request, now: OffsetDateTime) -> Result<AddInteraction, Problem> {
    let case_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let description = fields.required_string("description", validate::text(2000));
    let interaction_date = fields.optional_timestamp("interactionDate");
    let kind = fields.optional_choice("type", InteractionType::NAMES);
    let contact_id = fields.optional_string("contactId", validate::id);
    fields.finish()?;
    Ok(AddInteraction {
        case_id,
        interaction_id: uuid::Uuid::new_v4().to_string(),
        description: description.unwrap_or_default(),
        interaction_date: interaction_date.unwrap_or(now),
        kind: kind
            .and_then(|k| InteractionType::parse(&k))
            .unwrap_or_default(),
        contact_id,
    })
}

/// 201 with the whole case, its new interaction last.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request, invocation.now)?;
    let expected = expected_version(&request)?;
    let id = command.case_id.clone();
    let outcome = invocation
        .execute::<Case, _>(&id, expected, |state| decide(state, command))
        .await?;
    case_response(StatusCode::CREATED, &outcome.state, &id, outcome.version)
}
