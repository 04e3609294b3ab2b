use lambda_http::{Body, Request, RequestExt, Response};
use shared::aggregate::Invocation;
use shared::http::{page_params, page_response, validate, Problem};
use shared::projection::{query, Index};

use super::{client_partition, LIST};

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let (limit, cursor) = page_params(&request)?;
    let client_id = request
        .query_string_parameters()
        .first("clientId")
        .map(str::to_owned);
    let (index, partitions) = match client_id {
        Some(id) => {
            validate::id(&id).map_err(|m| Problem::bad_request(format!("clientId {m}")))?;
            (Index::Lookup, vec![client_partition(&id)])
        }
        None => (Index::List, query::list_partitions(LIST)),
    };
    let page = query::page(
        invocation.views.as_ref(),
        index,
        &partitions,
        limit,
        cursor.as_deref(),
    )
    .await?;
    let items = page
        .items
        .into_iter()
        .filter_map(|(_, stored)| stored.view)
        .collect();
    page_response(items, page.next_cursor)
}
