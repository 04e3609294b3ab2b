use lambda_http::{Body, Request, Response};
use shared::aggregate::Invocation;
use shared::http::{page_params, page_response, Problem};
use shared::projection::{query, Index};

use super::{LIST, OPEN_CASE_COUNT};

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let (limit, cursor) = page_params(&request)?;
    let partitions = query::list_partitions(LIST);
    let page = query::page(
        invocation.views.as_ref(),
        Index::List,
        &partitions,
        limit,
        cursor.as_deref(),
    )
    .await?;
    let items = page
        .items
        .into_iter()
        .filter_map(|(_, stored)| {
            let mut view = stored.view?;
            let open_cases = stored
                .counters
                .get(OPEN_CASE_COUNT)
                .copied()
                .unwrap_or(0)
                .max(0);
            view[OPEN_CASE_COUNT] = open_cases.into();
            Some(view)
        })
        .collect();
    page_response(items, page.next_cursor)
}
