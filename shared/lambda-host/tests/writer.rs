//! Subscribers and batch mode, on both adapters.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use async_trait::async_trait;
use dynamodb_adapters::testing::fresh_dynamo_store;
use event_sourcing::policy::{Reaction, SubscriberError};
use event_sourcing::store::{EventStore, InMemoryEventStore, SnapshotStore, Storage, StoreError};
use event_sourcing::trace::{TraceContext, TraceHints};
use event_sourcing::ErrorKind;
use event_sourcing::{
    AppendError, EventEnvelope, EventWriter, NewEvent, PendingAppend, StreamId, Subscriber,
    Subscribers, WriteMode,
};
use http_api::auth::Scope;
use http_api::testing::{assert_problem, request};
use lambda_host::{dispatch, App};
use serde_json::json;
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-03-04 05:06:07 UTC);

fn trace() -> TraceContext {
    TraceContext::from_hints(
        &TraceHints {
            trace_id: Some("t-1"),
            ..Default::default()
        },
        NOW,
    )
}

fn append(stream: &StreamId, after: u64, event_type: &str) -> PendingAppend {
    PendingAppend {
        stream: stream.clone(),
        expected_version: after,
        snapshot: None,
        events: vec![NewEvent {
            event_type: event_type.into(),
            schema_version: 1,
            payload: json!({}),
            personal: None,
        }],
    }
}

/// Appends one `event_type` event to `stream` right after version `after`.
async fn put(
    writer: &EventWriter,
    stream: &StreamId,
    after: u64,
    event_type: &str,
) -> Result<Vec<EventEnvelope>, AppendError> {
    writer
        .append(append(stream, after, event_type), &trace(), NOW)
        .await
}

fn order(id: &str) -> StreamId {
    StreamId::new("order", id)
}

fn ledger() -> StreamId {
    StreamId::new("ledger", "main")
}

/// Refuses `Cancelled` events.
struct Veto;

#[async_trait]
impl Subscriber for Veto {
    fn name(&self) -> &'static str {
        "veto"
    }
    async fn react(
        &self,
        _: &EventEnvelope,
        _: &dyn SnapshotStore,
    ) -> Result<Reaction, SubscriberError> {
        Ok(Reaction::Cancel {
            kind: ErrorKind::Conflict,
            reason: "orders cannot be cancelled".into(),
        })
    }
}

/// Records every `Placed` order in the ledger stream, at the ledger's real next version
/// (or at a stale version, to provoke a conflict).
struct Ledger {
    stale: bool,
}

#[async_trait]
impl Subscriber for Ledger {
    fn name(&self) -> &'static str {
        "ledger"
    }
    async fn react(
        &self,
        _: &EventEnvelope,
        store: &dyn SnapshotStore,
    ) -> Result<Reaction, SubscriberError> {
        let version = store.load(&ledger()).await?.len() as u64;
        let read = if self.stale {
            version.saturating_sub(1)
        } else {
            version
        };
        Ok(Reaction::Append(vec![append(&ledger(), read, "Recorded")]))
    }
}

fn subscribers(stale: bool) -> Arc<Subscribers> {
    Arc::new(
        Subscribers::new()
            .on("Cancelled", Veto)
            .on("Placed", Ledger { stale }),
    )
}

async fn a_subscriber_can_cancel_an_append(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(store.clone(), subscribers(false), WriteMode::Direct);
    put(&writer, &order("o1"), 0, "Opened").await.unwrap();
    let error = put(&writer, &order("o1"), 1, "Cancelled")
        .await
        .unwrap_err();
    assert!(
        matches!(error, AppendError::Cancelled { kind: ErrorKind::Conflict, ref reason } if reason == "orders cannot be cancelled")
    );
    assert_eq!(
        store.load(&order("o1")).await.unwrap().len(),
        1,
        "the vetoed event was written"
    );
}

async fn added_events_get_real_versions_and_the_cause(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(store.clone(), subscribers(false), WriteMode::Direct);
    put(&writer, &order("o1"), 0, "Placed").await.unwrap();
    let unit = put(&writer, &order("o2"), 0, "Placed").await.unwrap();
    assert_eq!(unit.len(), 2);
    let ledger_events = store.load(&ledger()).await.unwrap();
    assert_eq!(
        ledger_events.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let (cause, added) = (&unit[0], &ledger_events[1]);
    assert_eq!(added, &unit[1]);
    assert_eq!(added.causation_id, Some(cause.event_id));
    assert_eq!(added.trace.trace_id, "t-1");
    assert_eq!(
        added.trace.parent_span_id.as_deref(),
        Some(cause.trace.span_id.as_str())
    );
    assert_eq!(added.trace.source, "ledger");
}

async fn a_conflicting_added_event_writes_nothing(store: Arc<dyn Storage>) {
    let good = EventWriter::new(store.clone(), subscribers(false), WriteMode::Direct);
    put(&good, &order("o1"), 0, "Placed").await.unwrap();
    let stale = EventWriter::new(store.clone(), subscribers(true), WriteMode::Direct);
    let error = put(&stale, &order("o2"), 0, "Placed").await.unwrap_err();
    assert!(
        matches!(error, AppendError::Store(StoreError::Conflict { ref streams }) if streams == &vec![ledger()]),
        "{error:?}"
    );
    assert_eq!(
        store.load(&order("o2")).await.unwrap(),
        vec![],
        "the order landed without its ledger entry"
    );
    assert_eq!(store.load(&ledger()).await.unwrap().len(), 1);
}

async fn batch_mode_writes_at_flush_only(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(store.clone(), subscribers(false), WriteMode::Batch);
    put(&writer, &order("o1"), 0, "Opened").await.unwrap();
    put(&writer, &order("o2"), 0, "Placed").await.unwrap();
    assert_eq!(
        store.load(&order("o1")).await.unwrap(),
        vec![],
        "batch mode wrote before the flush"
    );
    assert_eq!(writer.buffered(), 3);
    assert_eq!(writer.flush().await.unwrap(), 3);
    assert_eq!(store.load(&order("o1")).await.unwrap().len(), 1);
    assert_eq!(store.load(&order("o2")).await.unwrap().len(), 1);
    assert_eq!(store.load(&ledger()).await.unwrap().len(), 1);
    assert_eq!(writer.buffered(), 0);
}

async fn batch_mode_refuses_a_version_it_already_buffered(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(store.clone(), subscribers(false), WriteMode::Batch);
    put(&writer, &order("o1"), 0, "Opened").await.unwrap();
    let error = put(&writer, &order("o1"), 0, "Opened").await.unwrap_err();
    assert!(matches!(
        error,
        AppendError::Store(StoreError::Conflict { .. })
    ));
}

async fn a_failed_flush_is_an_error_and_writes_nothing_of_its_transaction(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(store.clone(), subscribers(false), WriteMode::Batch);
    put(&writer, &order("o1"), 0, "Opened").await.unwrap();
    put(&writer, &order("o2"), 0, "Opened").await.unwrap();
    // Another invocation takes o2's version 1 before this one flushes.
    let other = EventWriter::new(store.clone(), subscribers(false), WriteMode::Direct);
    put(&other, &order("o2"), 0, "Closed").await.unwrap();
    let error = writer.flush().await.unwrap_err();
    // Its version 1 was taken: the stream it meant to start exists now.
    assert_eq!(
        error,
        StoreError::AlreadyExists {
            streams: vec![order("o2")]
        }
    );
    assert_eq!(
        store.load(&order("o1")).await.unwrap(),
        vec![],
        "o1 shared the failed transaction"
    );
}

async fn large_batches_flush_in_transactions_of_at_most_100(store: Arc<dyn Storage>) {
    let writer = EventWriter::new(
        store.clone(),
        Arc::new(Subscribers::new()),
        WriteMode::Batch,
    );
    for id in 0..5 {
        let pending = PendingAppend {
            stream: order(&format!("bulk-{id}")),
            expected_version: 0,
            snapshot: None,
            events: vec![
                NewEvent {
                    event_type: "Line".into(),
                    schema_version: 1,
                    payload: json!({}),
                    personal: None,
                };
                60
            ],
        };
        writer.append(pending, &trace(), NOW).await.unwrap();
    }
    assert_eq!(writer.flush().await.unwrap(), 300);
    for id in 0..5 {
        assert_eq!(
            store
                .load(&order(&format!("bulk-{id}")))
                .await
                .unwrap()
                .len(),
            60
        );
    }
}

dynamodb_adapters::on_both_event_stores!(
    a_subscriber_can_cancel_an_append,
    added_events_get_real_versions_and_the_cause,
    a_conflicting_added_event_writes_nothing,
    batch_mode_writes_at_flush_only,
    batch_mode_refuses_a_version_it_already_buffered,
    a_failed_flush_is_an_error_and_writes_nothing_of_its_transaction,
    large_batches_flush_in_transactions_of_at_most_100,
);

#[tokio::test]
async fn packed_flush_takes_one_transaction_per_100_items() {
    let (store, counter) = fresh_dynamo_store().await;
    let store: Arc<dyn Storage> = Arc::new(store);
    large_batches_flush_in_transactions_of_at_most_100(store).await;
    let operations = counter.operations();
    let writes = operations
        .into_iter()
        .filter(|o| o == "TransactWriteItems")
        .count();
    // 5 appends of 60 are never split, and two do not fit one transaction: 5 transactions.
    assert_eq!(writes, 5);
}

/// One write request through the Lambdas' dispatch, on `app`.
async fn dispatch_write<F>(
    app: &App,
    handler: impl FnOnce(http_api::Invocation, lambda_http::Request) -> F + Clone,
) -> lambda_http::Response<lambda_http::Body>
where
    F: std::future::Future<
        Output = Result<lambda_http::Response<lambda_http::Body>, http_api::Problem>,
    >,
{
    let request = request("POST", "/things", Some("{}"), &[]);
    dispatch(app, Scope::Write, request, handler).await
}

fn batch_app(store: &Arc<InMemoryEventStore>) -> App {
    App::new(store.clone(), Subscribers::new(), WriteMode::Batch)
}

/// The invocation answers with the flush's error, never with the handler's success.
#[tokio::test]
async fn dispatch_answers_a_failed_flush_with_its_error() {
    let store = Arc::new(InMemoryEventStore::new());
    let response = dispatch_write(&batch_app(&store), |invocation, _| {
        let store = store.clone();
        async move {
            put(&invocation.writer, &order("o1"), 0, "Opened")
                .await
                .map_err(http_api::Problem::from)?;
            // A concurrent request wins the same version before this invocation flushes.
            let rival = append(&order("o1"), 0, "Opened").into_envelopes(
                &invocation.trace,
                invocation.now,
                None,
            );
            store.append(&rival).await.unwrap();
            http_api::json_response(
                lambda_http::http::StatusCode::CREATED,
                &json!({ "ok": true }),
            )
        }
    })
    .await;
    let body = assert_problem(&response, 409);
    assert!(body["detail"].as_str().unwrap().contains("order#o1"));
    assert_eq!(store.load(&order("o1")).await.unwrap().len(), 1);
}

#[tokio::test]
async fn dispatch_discards_the_buffer_of_a_failed_request() {
    let store = Arc::new(InMemoryEventStore::new());
    let response = dispatch_write(&batch_app(&store), |invocation, _| async move {
        put(&invocation.writer, &order("o1"), 0, "Opened")
            .await
            .map_err(http_api::Problem::from)?;
        Err::<lambda_http::Response<lambda_http::Body>, _>(http_api::Problem::bad_request(
            "changed my mind",
        ))
    })
    .await;
    assert_problem(&response, 400);
    assert!(store.all_events().is_empty());
}

#[test]
fn event_store_mode_is_read_strictly() {
    assert_eq!(WriteMode::parse(None), Ok(WriteMode::Direct));
    assert_eq!(WriteMode::parse(Some("direct")), Ok(WriteMode::Direct));
    assert_eq!(WriteMode::parse(Some("batch")), Ok(WriteMode::Batch));
    assert!(WriteMode::parse(Some("bulk")).is_err());
}

#[tokio::test]
async fn dispatch_answers_503_before_the_function_times_out() {
    let store = Arc::new(InMemoryEventStore::new());
    let mut app = batch_app(&store);
    app.budget = lambda_host::TimeBudget::new(std::time::Duration::from_secs(1));
    let response = dispatch_write(&app, |invocation, _| async move {
        put(&invocation.writer, &order("o1"), 0, "Opened").await?;
        // DynamoDB, or anything else, hangs past the budget.
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        http_api::json_response(lambda_http::http::StatusCode::CREATED, &json!({}))
    })
    .await;
    let body = assert_problem(&response, 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(body["detail"].as_str().unwrap().contains("may have"));
    assert!(store.all_events().is_empty(), "the buffer was flushed");
}

#[test]
fn outages_are_503_with_retry_after_wherever_they_strike() {
    use event_sourcing::store::Written;
    use http_api::Problem;
    let outage = |written| StoreError::Unavailable {
        reason: "ThrottlingException".into(),
        written,
    };
    let problems = [
        Problem::from(outage(Written::Nothing)),
        Problem::from(AppendError::Store(outage(Written::Unknown))),
        Problem::from(AppendError::Subscriber {
            subscriber: "ledger",
            source: SubscriberError::Store(outage(Written::Nothing)),
        }),
    ];
    for problem in problems {
        assert_eq!(problem.status.as_u16(), 503, "{problem:?}");
        assert_eq!(problem.retry_after, Some(1));
    }
}
