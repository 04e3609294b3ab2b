//! The per-request dispatch every HTTP Lambda shares, and the `main` of a slice.

use std::future::Future;
use std::sync::Arc;

use event_sourcing::store::StoreError;
use event_sourcing::trace::{TraceContext, TraceHints};
use event_sourcing::Subscribers;
use http_api::auth::Scope;
use http_api::registry::Registry;
use http_api::{check_trace_hints, idempotency, trace_hints_of, Invocation, Problem};
use lambda_http::{Body, Request, RequestExt, Response};
use time::OffsetDateTime;
use tracing::Instrument;

use crate::app::App;
use crate::logging::init_logging;

/// Runs one request through a slice's handler: the caller authorized for `scope`, trace context
/// in, problem+json out, and in batch mode the buffered events flushed before a success is
/// answered (or the success replaced by the flush's error). A failed request writes nothing.
pub async fn dispatch<H, F>(app: &App, scope: Scope, request: Request, handler: H) -> Response<Body>
where
    H: FnOnce(Invocation, Request) -> F,
    F: Future<Output = Result<Response<Body>, Problem>>,
{
    // Milliseconds are precision enough for business time, and keep timestamps short.
    let now = OffsetDateTime::now_utc();
    let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    let caller = app.auth.authorize(&request, scope, now.unix_timestamp());
    let hints = trace_hints_of(&request);
    let checked = check_trace_hints(&hints);
    let trace = match (&caller, &checked) {
        // Who did it comes from the verified token alone; `x-user-id` counts only where no
        // token is verified (an open local stack).
        (Ok(caller), Ok(())) => TraceContext::from_hints(
            &TraceHints {
                user_id: caller.subject.as_deref().or(hints.user_id),
                ..hints
            },
            now,
        ),
        // Refused: a trace of our own, nothing of the request's.
        _ => TraceContext::from_hints(&TraceHints::default(), now),
    };
    let request_id = request
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        trace_id = %trace.trace_id,
        span_id = %trace.span_id,
        request_id = %request_id,
    );
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    async move {
        let trace_header = lambda_http::http::HeaderValue::from_str(&trace.trace_id).ok();
        let handled = async {
            if let Err(refused) = caller {
                return Problem::from(refused).into_response();
            }
            if let Err(problem) = checked {
                return problem.into_response();
            }
            // A keyed command replays its recorded answer, or runs buffered so that its
            // answer is recorded in the same transaction as its events.
            let keyed = match idempotency::key_of(&request) {
                Ok(None) => None,
                Ok(Some(key)) => {
                    let fingerprint = idempotency::fingerprint(&request);
                    match app.store.recorded(&key, now.unix_timestamp()).await {
                        Ok(Some(record)) => return idempotency::replay(&record, &fingerprint),
                        Ok(None) => Some((key, fingerprint)),
                        Err(error) => return Problem::from(error).into_response(),
                    }
                }
                Err(problem) => return problem.into_response(),
            };
            let mut invocation = app.invocation(trace, now);
            if keyed.is_some() {
                invocation.commands.writer = invocation.writer.buffering();
            }
            let writer = invocation.writer.clone();
            let response = match handler(invocation, request).await {
                Ok(response) if response.status().is_success() => response,
                Ok(response) => {
                    writer.discard();
                    return response;
                }
                Err(problem) => {
                    writer.discard();
                    return problem.into_response();
                }
            };
            let Some((key, fingerprint)) = keyed else {
                return match writer.flush().await {
                    Ok(_) => response,
                    Err(error) => Problem::from(error).into_response(),
                };
            };
            let record = idempotency::record(&key, &fingerprint, &response, now);
            match writer.flush_recording(Some(&record)).await {
                Ok(_) => response,
                // A request with the same key won the race: answer as it was answered.
                Err(StoreError::KeyTaken(_)) => {
                    match app.store.recorded(&key, now.unix_timestamp()).await {
                        Ok(Some(winner)) => idempotency::replay(&winner, &fingerprint),
                        Ok(None) => Problem::from(StoreError::KeyTaken(key)).into_response(),
                        Err(error) => Problem::from(error).into_response(),
                    }
                }
                Err(error) => Problem::from(error).into_response(),
            }
        };
        // Whatever DynamoDB does, the caller hears back before the function times out.
        let mut response = match tokio::time::timeout(app.budget.request(), handled).await {
            Ok(response) => response,
            Err(_) => {
                // The handler's buffer went with it: nothing buffered is flushed.
                tracing::error!(budget = ?app.budget.request(), "request out of time");
                Problem::unavailable(
                    "the request ran out of time; a write may have happened: \
                     read the resource before retrying",
                )
                .into_response()
            }
        };
        // Lets a caller find the events and logs of its request.
        if let Some(trace_id) = trace_header {
            response.headers_mut().insert("x-trace-id", trace_id);
        }
        tracing::info!(%method, %path, status = response.status().as_u16(), "handled");
        response
    }
    .instrument(span)
    .await
}

/// The whole `main` of an HTTP slice: its registry entry, found by the binary's name.
pub async fn serve(registry: Registry, function: &str) -> Result<(), lambda_http::Error> {
    let slice = registry
        .slices
        .into_iter()
        .find(|slice| slice.function == function)
        .ok_or_else(|| format!("{function} is in no registry"))?;
    let handler = slice.handler;
    serve_http(
        slice.subscribers,
        slice.scope,
        move |invocation, request| handler(invocation, request),
    )
    .await
}

/// Serves one handler with these subscribers, to callers granted `scope`.
pub async fn serve_http<H, F>(
    subscribers: Subscribers,
    scope: Scope,
    handler: H,
) -> Result<(), lambda_http::Error>
where
    H: Fn(Invocation, Request) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Body>, Problem>> + Send,
{
    init_logging();
    let app = Arc::new(App::from_env(subscribers).await?);
    lambda_http::run(lambda_http::service_fn(move |request: Request| {
        let app = app.clone();
        let handler = handler.clone();
        async move {
            Ok::<_, std::convert::Infallible>(dispatch(&app, scope, request, handler).await)
        }
    }))
    .await
}
