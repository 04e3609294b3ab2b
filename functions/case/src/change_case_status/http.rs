use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;

use super::{decide, ChangeStatus};
use crate::case::CaseStatus;
use crate::representation::execute_on_case;

pub fn slice() -> Slice {
    Slice::new("change-case-status", Access::ReadAndAppend, handle)
        .route("POST", "/api/cases/{id}/status")
}

/// `status` one of open, pending, on_hold, solved; `resolution` only when solving.
pub fn parse(request: &Request, now: OffsetDateTime) -> Result<ChangeStatus, Problem> {
    let case_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    if !fields.present("status") {
        fields.error("status", "is required");
    }
    let status = fields
        .optional_choice("status", CaseStatus::SETTABLE)
        .and_then(|name| CaseStatus::parse(name.trim()));
    let resolution = fields.optional_string("resolution", validate::text(2000));
    if resolution.is_some() && status.is_some_and(|s| s != CaseStatus::Solved) {
        fields.error("resolution", "goes only with status solved");
    }
    let at = fields.optional_timestamp("at");
    fields.finish()?;
    let status = status.ok_or_else(|| Problem::bad_request("the status could not be read"))?;
    Ok(ChangeStatus {
        case_id,
        status,
        resolution,
        at: at.unwrap_or(now),
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request, invocation.now)?;
    let expected = expected_version(&request)?;
    let id = command.case_id.clone();
    execute_on_case(&invocation, &id, expected, |state| decide(state, command)).await
}
