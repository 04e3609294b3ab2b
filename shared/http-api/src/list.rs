//! The one shape of every list query: `?limit=&cursor=` in, `{items, nextCursor}` out.

use lambda_http::{Body, Request, Response};
use serde_json::Value;

use event_sourcing::projection::{Index, StoredView};

use crate::paging as query;
use crate::{page_params, page_response, Invocation, Problem};

/// Pages `partitions` of `index` and presents each stored view (`None` leaves it out).
pub async fn list_response(
    invocation: &Invocation,
    request: &Request,
    index: Index,
    partitions: &[String],
    present: impl Fn(StoredView) -> Option<Value>,
) -> Result<Response<Body>, Problem> {
    let page = list_page(invocation, request, index, partitions, None).await?;
    let items = page
        .items
        .into_iter()
        .filter_map(|(_, stored)| present(stored))
        .collect();
    page_response(items, page.next_cursor)
}

/// One page of `partitions` of `index` as the request's `limit` and `cursor` ask, each sort
/// key at most `to` (see [`query::page`]).
pub async fn list_page(
    invocation: &Invocation,
    request: &Request,
    index: Index,
    partitions: &[String],
    to: Option<String>,
) -> Result<query::Page, Problem> {
    let (limit, cursor) = page_params(request)?;
    Ok(query::page(
        invocation.views.as_ref(),
        index,
        partitions,
        to,
        limit,
        cursor.as_deref(),
        &invocation.cursors,
    )
    .await?)
}

/// The view as stored, for lists that show it unchanged.
pub fn view_as_stored(stored: StoredView) -> Option<Value> {
    stored.view
}
