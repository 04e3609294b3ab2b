//! The `main` of a scheduled job: an EventBridge schedule invokes it (its event carries nothing
//! the job needs), and each run gets an invocation as a request would, on the same stores.
//! Events are appended as decided: there is no answer to buffer them for.

use std::future::Future;
use std::sync::Arc;

use dynamodb_adapters::dynamo_stores_from_env;
use event_sourcing::trace::{TraceContext, TraceHints};
use event_sourcing::{Subscribers, WriteMode};
use http_api::paging::CursorKey;
use http_api::Invocation;
use lambda_http::lambda_runtime::{self, service_fn, LambdaEvent};
use serde_json::Value;
use time::OffsetDateTime;

use crate::app::App;
use crate::budget::TimeBudget;
use crate::logging::init_logging;

/// Runs `job` once per invocation, named `source` in the trace of what it writes. An `Err`
/// fails the invocation, so the schedule's retry policy (and its alarm) see it.
pub async fn serve_scheduled<J, F>(source: &'static str, job: J) -> Result<(), lambda_http::Error>
where
    J: Fn(Invocation, TimeBudget) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Value, String>> + Send,
{
    init_logging();
    let budget = TimeBudget::from_env();
    let stores = dynamo_stores_from_env(budget.sdk_timeouts()).await;
    let app = Arc::new(App {
        cursors: CursorKey::from_env(),
        ..App::sealed_with(
            stores.events,
            stores.keys,
            Subscribers::default(),
            WriteMode::Direct,
        )
        .with_views(stores.views)
    });
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| {
        let app = app.clone();
        let job = job.clone();
        async move {
            let now = OffsetDateTime::now_utc();
            let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
            let hints = TraceHints {
                source: Some(source),
                ..TraceHints::default()
            };
            let invocation = app.invocation(TraceContext::from_hints(&hints, now), now);
            let summary = job(invocation, app.budget).await.map_err(|error| {
                tracing::error!(%error, "the job failed");
                lambda_runtime::Error::from(error)
            })?;
            tracing::info!(%summary, "the job ran");
            Ok::<_, lambda_runtime::Error>(summary)
        }
    }))
    .await
}
