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
    H: FnOnce(Invocation, Request) -> F + Clone,
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
            // A command that pinned no version (no If-Match) and lost a race to another writer
            // between its read and its append (a user, the breach schedule) wrote nothing:
            // it runs again on what is there now, a few times, before the 409 is the answer.
            // Reads and pinned commands run once, without a copy of the request.
            let retried = request.method() != lambda_http::http::Method::GET
                && !request.headers().contains_key("if-match");
            if !retried {
                return match run_once(app, trace, now, &keyed, request, handler).await {
                    Ok(response) => response,
                    Err(problem) => problem.into_response(),
                };
            }
            let (parts, body) = request.into_parts();
            let mut attempt = 1;
            loop {
                let request = Request::from_parts(parts.clone(), body.clone());
                let answer =
                    run_once(app, trace.clone(), now, &keyed, request, handler.clone()).await;
                match answer {
                    Err(problem) if problem.lost_race && attempt < RACE_ATTEMPTS => {
                        tracing::info!(attempt, "lost a race to another writer; deciding again");
                        attempt += 1;
                    }
                    Err(problem) => return problem.into_response(),
                    Ok(response) => return response,
                }
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

/// How often a command that pinned no version runs when it keeps losing races.
const RACE_ATTEMPTS: u32 = 3;

/// One run of the handler with an invocation of its own: its events flushed (and the answer
/// recorded under its idempotency key) on success, discarded otherwise.
async fn run_once<H, F>(
    app: &App,
    trace: TraceContext,
    now: OffsetDateTime,
    keyed: &Option<(String, String)>,
    request: Request,
    handler: H,
) -> Result<Response<Body>, Problem>
where
    H: FnOnce(Invocation, Request) -> F,
    F: Future<Output = Result<Response<Body>, Problem>>,
{
    let mut invocation = app.invocation(trace, now);
    if keyed.is_some() {
        invocation.commands.writer = invocation.writer.buffering();
    }
    let writer = invocation.writer.clone();
    let response = match handler(invocation, request).await {
        Ok(response) if response.status().is_success() => response,
        Ok(response) => {
            writer.discard();
            return Ok(response);
        }
        Err(problem) => {
            writer.discard();
            return Err(problem);
        }
    };
    let Some((key, fingerprint)) = keyed else {
        return match writer.flush().await {
            Ok(_) => Ok(response),
            Err(error) => Err(Problem::from(error)),
        };
    };
    let record = idempotency::record(key, fingerprint, &response, now);
    match writer.flush_recording(Some(&record)).await {
        Ok(_) => Ok(response),
        // A request with the same key won the race: answer as it was answered.
        Err(StoreError::KeyTaken(_)) => match app.store.recorded(key, now.unix_timestamp()).await {
            Ok(Some(winner)) => Ok(idempotency::replay(&winner, fingerprint)),
            Ok(None) => Err(Problem::from(StoreError::KeyTaken(key.clone()))),
            Err(error) => Err(Problem::from(error)),
        },
        Err(error) => Err(Problem::from(error)),
    }
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
