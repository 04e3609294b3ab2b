use lambda_http::{Body, Request, RequestExt, Response};
use shared::aggregate::Invocation;
use shared::http::{page_params, page_response, validate, Problem};
use shared::projection::{query, Index};

use super::{email_key, LIST};

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let (limit, cursor) = page_params(&request)?;
    let email = request
        .query_string_parameters()
        .first("email")
        .map(str::to_owned);
    let (index, partitions) = match email {
        Some(email) => {
            validate::email(&email).map_err(|m| Problem::bad_request(format!("email {m}")))?;
            (Index::Lookup, vec![email_key(&email)])
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
