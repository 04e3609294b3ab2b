//! Every record's story: `GET /api/<records>/{id}/history`, the stream's events as entries
//! (who, when, why, what), paged with a sealed cursor. Generic: an aggregate gets it by
//! registering [`slice()`] with its function name and route.

use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::{json, Value};

use event_sourcing::store::PageOf;
use event_sourcing::{Aggregate, EventEnvelope};

use crate::registry::{Access, Slice};
use crate::{page_params, page_response, path_id, Invocation, Problem};

/// The history slice of aggregate `A`: `function` serves `GET path` (`.../{id}/history`).
pub fn slice<A: Aggregate>(function: &'static str, path: &'static str) -> Slice {
    Slice::new(function, Access::ReadStreams, handle::<A>).route("GET", path)
}

/// One entry: which version, what happened, when, who did it, in which trace, what caused
/// it (for events a subscriber added) and what it recorded.
pub fn entry(event: &EventEnvelope) -> Value {
    json!({
        "version": event.version,
        "eventType": event.event_type,
        "occurredAt": event.occurred_at,
        "userId": event.trace.user_id,
        "traceId": event.trace.trace_id,
        "source": event.trace.source,
        "causationId": event.causation_id,
        "changes": event.payload,
    })
}

/// Which way a history is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    OldestFirst,
    NewestFirst,
}

fn order(request: &Request) -> Result<Order, Problem> {
    match request.query_string_parameters().first("order") {
        None | Some("asc") => Ok(Order::OldestFirst),
        Some("desc") => Ok(Order::NewestFirst),
        Some(other) => Err(Problem::bad_request(format!(
            "order must be asc or desc, not '{other}'"
        ))),
    }
}

async fn handle<A: Aggregate>(
    invocation: Invocation,
    request: Request,
) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    history_of::<A>(&invocation, &request, &id).await
}

/// A page of the history of `A`'s stream `id` (a record with one well-known id, like the SLA
/// policy, serves it from a route without `{id}`).
pub async fn history_of<A: Aggregate>(
    invocation: &Invocation,
    request: &Request,
    id: &str,
) -> Result<Response<Body>, Problem> {
    let order = order(request)?;
    let (limit, cursor) = page_params(request)?;
    let stream = A::stream(id);
    // The cursor names the stream and order it belongs to, and the last version given.
    let bound_to = format!("history:{stream}:{order:?}");
    let after = match cursor {
        None => None,
        Some(text) => Some(
            invocation
                .cursors
                .open_value(&text, &bound_to)
                .and_then(|v| v.as_u64())
                .ok_or_else(|| Problem::bad_request("not a cursor of this history"))?,
        ),
    };
    // One more than the page: whether there is a next one, without reading further.
    let mut page = invocation
        .store
        .load_page(
            &stream,
            PageOf {
                newest_first: order == Order::NewestFirst,
                past: after,
                limit: limit + 1,
            },
        )
        .await?;
    if page.is_empty() && after.is_none() {
        return Err(Problem::not_found(format!("{stream} not found")));
    }
    let more = page.len() > limit;
    page.truncate(limit);
    let next = more
        .then(|| {
            page.last()
                .map(|e| invocation.cursors.seal_value(&json!(e.version), &bound_to))
        })
        .flatten();
    page_response(page.iter().map(entry).collect(), next)
}
