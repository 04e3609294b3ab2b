//! The JSON every case route answers with: the case, its workflow, its SLA clocks as they
//! stand at the instant read, and its version (also the ETag).

use http_api::{versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;
use time::OffsetDateTime;

use crate::case::{Case, CaseDetails, CaseStatus, Interaction, Origin, Priority};
use crate::sla::SlaAnswer;

/// A case as `GET /api/cases/{id}` answers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseAnswer<'a> {
    pub case_id: &'a str,
    pub client_id: &'a str,
    pub description: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub resolution: Option<&'a str>,
    pub interactions: &'a [Interaction],
    pub interaction_count: u64,
    pub priority: Priority,
    pub assignee_id: Option<&'a str>,
    pub origin: Option<Origin>,
    pub status: CaseStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub solved_at: Option<OffsetDateTime>,
    pub reopen_count: u32,
    pub sla: SlaAnswer,
}

impl<'a> CaseAnswer<'a> {
    /// The case with its clocks as they stand at `now` (the request's time, or `asOf`).
    pub fn new(details: &'a CaseDetails, now: OffsetDateTime) -> Self {
        Self {
            case_id: &details.case_id,
            client_id: &details.client_id,
            description: &details.description,
            opened_at: details.opened_at,
            closed_at: details.closed_at,
            resolution: details.resolution.as_deref(),
            interactions: &details.interactions,
            interaction_count: details.interaction_count,
            priority: details.priority,
            assignee_id: details.assignee_id.as_deref(),
            origin: details.origin,
            status: details.status,
            solved_at: details.solved_at,
            reopen_count: details.reopen_count,
            sla: details.clocks.at(now),
        }
    }
}

pub fn case_response(
    status: StatusCode,
    case: &Case,
    id: &str,
    version: u64,
    now: OffsetDateTime,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, &CaseAnswer::new(case.existing(id)?, now), version)
}

/// A command on one case: `decide` at the version read (or the one `If-Match` names); 200
/// with the case after it.
pub async fn execute_on_case(
    invocation: &http_api::Invocation,
    id: &str,
    expected: event_sourcing::Expected,
    decide: impl FnOnce(&Case) -> Result<Vec<crate::CaseEvent>, crate::CaseError>,
) -> Result<Response<Body>, Problem> {
    let outcome = invocation.execute::<Case, _>(id, expected, decide).await?;
    case_response(
        StatusCode::OK,
        &outcome.state,
        id,
        outcome.version,
        invocation.now,
    )
}

impl From<crate::case::CaseError> for Problem {
    fn from(error: crate::case::CaseError) -> Self {
        Problem::domain(error)
    }
}
