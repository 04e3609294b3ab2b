//! Every record's story: `GET /api/<records>/{id}/history`, the stream's events as entries
//! (who, when, why, what), paged with a sealed cursor. Generic: an aggregate gets it by
//! registering [`slice`] with its function name and route.

use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::{json, Value};

use crate::aggregate::{Aggregate, Invocation};
use crate::envelope::EventEnvelope;
use crate::http::{page_params, page_response, path_id, Problem};
use crate::registry::{Access, Slice};

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
    let order = order(&request)?;
    let (limit, cursor) = page_params(&request)?;
    let stream = A::stream(&id);
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
    let events = invocation.store.load(&stream).await?;
    if events.is_empty() {
        return Err(Problem::not_found(format!("{stream} not found")));
    }
    let ordered: Vec<&EventEnvelope> = match order {
        Order::OldestFirst => events.iter().collect(),
        Order::NewestFirst => events.iter().rev().collect(),
    };
    let remaining: Vec<&EventEnvelope> = ordered
        .into_iter()
        .filter(|e| match (after, order) {
            (None, _) => true,
            (Some(after), Order::OldestFirst) => e.version > after,
            (Some(after), Order::NewestFirst) => e.version < after,
        })
        .collect();
    let page: Vec<&EventEnvelope> = remaining.iter().take(limit).copied().collect();
    let next = (remaining.len() > page.len())
        .then(|| {
            page.last()
                .map(|e| invocation.cursors.seal_value(&json!(e.version), &bound_to))
        })
        .flatten();
    page_response(page.into_iter().map(entry).collect(), next)
}
