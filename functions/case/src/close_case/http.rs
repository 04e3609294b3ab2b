use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;

use super::{decide, CloseCase};
use crate::case::Case;
use crate::representation::case_response;

pub fn slice() -> Slice {
    Slice::new("close-case", Access::ReadAndAppend, handle).route("POST", "/api/cases/{id}/close")
}

/// Every field has a default, so an empty body closes the case now.
pub fn parse(request: &Request, now: OffsetDateTime) -> Result<CloseCase, Problem> {
    let case_id = path_id(request, "id")?;
    let body = json_object_or_empty(request)?;
    let mut fields = Fields::new(&body);
    let closed_at = fields.optional_timestamp("closedAt");
    let resolution = fields.optional_string("resolution", validate::text(2000));
    fields.finish()?;
    Ok(CloseCase {
        case_id,
        closed_at: closed_at.unwrap_or(now),
        resolution,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request, invocation.now)?;
    let expected = expected_version(&request)?;
    let id = command.case_id.clone();
    let outcome = invocation
        .execute::<Case, _>(&id, expected, |state| decide(state, command))
        .await?;
    case_response(
        StatusCode::OK,
        &outcome.state,
        &id,
        outcome.version,
        invocation.now,
    )
}
