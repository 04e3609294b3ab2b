use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{
    expected_version, json_object, path_id, validate, versioned_response, Fields, Problem,
};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use time::OffsetDateTime;

use contact::policies::RecordMentionOnContact;

use super::{decide, AddInteraction};
use crate::case::{Case, Direction, Interaction, InteractionType};

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
    let direction = fields
        .optional_choice("direction", Direction::NAMES)
        .and_then(|name| Direction::parse(name.trim()));
    fields.finish()?;
    let kind = kind
        .and_then(|k| InteractionType::parse(&k))
        .unwrap_or_default();
    Ok(AddInteraction {
        case_id,
        interaction_id: uuid::Uuid::new_v4().to_string(),
        description: description.unwrap_or_default(),
        interaction_date: interaction_date.unwrap_or(now),
        kind,
        direction: direction.unwrap_or(Direction::default_for(kind)),
        contact_id,
    })
}

/// What adding an interaction changed: the interaction, how many the case now has, and the
/// case's new version (also the ETag, for the next `If-Match`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InteractionAddedAnswer<'a> {
    case_id: &'a str,
    interaction: &'a Interaction,
    interaction_count: u64,
}

/// 201 with what changed, not the whole case: a command's answer stays the same size however
/// long the case runs (the case: `GET /api/cases/{id}`).
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request, invocation.now)?;
    let expected = expected_version(&request)?;
    let id = command.case_id.clone();
    let interaction_id = command.interaction_id.clone();
    let outcome = invocation
        .execute::<Case, _>(&id, expected, |state| decide(state, command))
        .await?;
    let case = outcome.state.existing(&id)?;
    // The newest interaction is always among the latest the case keeps.
    let interaction = case
        .interactions
        .iter()
        .rev()
        .find(|i| i.interaction_id == interaction_id)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the case does not hold the interaction just added",
            )
        })?;
    let answer = InteractionAddedAnswer {
        case_id: &id,
        interaction,
        interaction_count: case.interaction_count,
    };
    versioned_response(StatusCode::CREATED, &answer, outcome.version)
}
