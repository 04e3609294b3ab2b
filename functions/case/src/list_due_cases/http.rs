use event_sourcing::projection::{sortable, Index};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_page, page_response, validate, Problem};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use time::OffsetDateTime;

use super::{assignee_partition, Clock, DueClock, FirstResponse, Resolution, DUE};
use crate::case::{CaseDetails, CaseStatus, Priority};
use crate::sla::Metric;

pub fn slice() -> Slice {
    Slice::new("list-due-cases", Access::ReadModels, handle)
        .route("GET", "/api/cases/due")
        .view::<DueClock<FirstResponse>>()
        .view::<DueClock<Resolution>>()
}

/// One running clock of a case.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DueItem<'a> {
    case_id: &'a str,
    client_id: &'a str,
    priority: Priority,
    assignee_id: Option<&'a str>,
    status: CaseStatus,
    metric: Metric,
    #[serde(with = "time::serde::rfc3339")]
    due_at: OffsetDateTime,
    breached: bool,
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let query = request.query_string_parameters();
    let before = match query.first("before") {
        Some(text) => validate::parse_rfc3339(text)
            .map_err(|m| Problem::bad_request(format!("before {m}")))?,
        None => invocation.now,
    };
    let (index, partition) = match query.first("assigneeId") {
        Some(id) => {
            validate::id(id).map_err(|m| Problem::bad_request(format!("assigneeId {m}")))?;
            (Index::Lookup, assignee_partition(id))
        }
        None => (Index::List, DUE.to_owned()),
    };
    // A sort key is `<due>#<id>`: at most `<before>` is due strictly before it.
    let page = list_page(
        &invocation,
        &request,
        index,
        &[partition],
        Some(sortable(before)),
    )
    .await?;
    let items = page
        .items
        .into_iter()
        .filter_map(|(key, stored)| {
            let case: CaseDetails = serde_json::from_value(stored.view?).ok()?;
            let (metric, due_at) = if key.sk == FirstResponse::NAME {
                (
                    Metric::FirstResponse,
                    DueClock::<FirstResponse>::of(case.clone()).due()?,
                )
            } else {
                (
                    Metric::Resolution,
                    DueClock::<Resolution>::of(case.clone()).due()?,
                )
            };
            serde_json::to_value(DueItem {
                case_id: &case.case_id,
                client_id: &case.client_id,
                priority: case.priority,
                assignee_id: case.assignee_id.as_deref(),
                status: case.status,
                metric,
                due_at,
                breached: due_at < invocation.now,
            })
            .ok()
        })
        .collect();
    page_response(items, page.next_cursor)
}
