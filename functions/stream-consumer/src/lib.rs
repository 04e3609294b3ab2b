//! The stream consumer: DynamoDB Stream records of the EventStore in, projections out, and a
//! partial batch response naming the records that could not be applied.

use std::sync::Arc;

use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use crypto_shredding::{KeyStore, SealedStore};
use event_sourcing::projection::{Consumer, IncomingRecord, Projection, ProjectionStore};
use event_sourcing::store::EventStore;
use http_api::registry::Registry;
use serde_json::Value;

/// The stream's event records (see [`dynamodb_adapters::stream`]).
pub use dynamodb_adapters::stream::parse_records;

/// Every aggregate's registry: the whole system. A new aggregate is added here.
pub fn registries() -> Vec<Registry> {
    vec![
        contact::registry(),
        client::registry(),
        case::registry(),
        pipeline::registry(),
        opportunity::registry(),
        task::registry(),
        sla_policy::registry(),
        privacy::registry(),
    ]
}

/// Every projection of every aggregate.
pub fn projections() -> Vec<Arc<dyn Projection>> {
    Registry::merge(registries()).projections()
}

pub fn consumer(views: Arc<dyn ProjectionStore>, events: Arc<dyn EventStore>) -> Consumer {
    Consumer::new(projections(), views, events)
}

/// Events that do not come from the stream (a rebuild, a bench) as one batch's records,
/// numbered `{prefix}{i}` in order.
pub fn records_of(prefix: &str, events: &[event_sourcing::EventEnvelope]) -> Vec<IncomingRecord> {
    events
        .iter()
        .enumerate()
        .map(|(i, event)| IncomingRecord {
            sequence_number: format!("{prefix}{i}"),
            event: Ok(event.clone()),
        })
        .collect()
}

/// One invocation: apply the batch, report what failed.
pub async fn handle(consumer: &Consumer, event: Value) -> DynamoDbEventResponse {
    let report = consumer.process(parse_records(&event)).await;
    tracing::info!(
        writes = report.writes,
        rebuilds = report.rebuilds,
        skipped = report.skipped,
        failed = report.failed.len(),
        "batch applied"
    );
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = report
        .failed
        .into_iter()
        .map(|sequence| {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence);
            failure
        })
        .collect();
    response
}

/// Seals, in place, the personal data of every stored event written before sealing existed
/// (a consistent Scan; see `crypto_shredding::seal_stored`). Returns how many it rewrote.
pub async fn seal_legacy_events(
    events: &dynamodb_adapters::DynamoEventStore,
    keys: &dyn KeyStore,
) -> Result<usize, String> {
    let registry = Registry::merge(registries());
    let stored = events.scan_all().await.map_err(|e| e.to_string())?;
    crypto_shredding::seal_stored(events, keys, stored, &|event| registry.personal_data(event))
        .await
        .map_err(|e| e.to_string())
}

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebuilt {
    /// The generation now live.
    pub generation: u64,
    pub replayed: usize,
    pub writes: usize,
    /// Items of the replaced generations removed.
    pub removed: usize,
}

/// Rebuilds every projection into a new generation beside the live one, safe while the
/// consumer runs: the consumer keeps the new generation current from the moment it is named,
/// the replay fills in everything committed before, both write conditionally on versions, and
/// readers switch only when it is whole. The replaced generation is removed after `grace`
/// (longer than readers trust the pointer, plus the longest invocation still writing it).
pub async fn rebuild(
    events: &dynamodb_adapters::DynamoEventStore,
    keys: Arc<dyn KeyStore>,
    views: &dynamodb_adapters::DynamoProjectionStore,
    grace: std::time::Duration,
) -> Result<Rebuilt, String> {
    let generation = views.begin_generation().await.map_err(|e| e.to_string())?;
    let replayed = match replay(events, keys, Arc::new(views.at(generation))).await {
        Ok(replayed) => replayed,
        Err(reason) => {
            if let Err(abandon) = views.abandon(generation).await {
                tracing::error!(%abandon, generation, "could not abandon the failed generation");
            }
            return Err(reason);
        }
    };
    views
        .switch_to(generation)
        .await
        .map_err(|e| format!("generation {generation} was superseded by a later rebuild: {e}"))?;
    tokio::time::sleep(grace).await;
    let removed = views
        .remove_generations_before(generation)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Rebuilt {
        generation,
        replayed: replayed.0,
        writes: replayed.1,
        removed,
    })
}

/// Every event of the store (a consistent Scan) through the consumer into one generation,
/// personal data opened with `keys` (an erased person's reads as erased). Returns (events
/// replayed, items written).
async fn replay(
    events: &dynamodb_adapters::DynamoEventStore,
    keys: Arc<dyn KeyStore>,
    target: Arc<dynamodb_adapters::DynamoProjectionStore>,
) -> Result<(usize, usize), String> {
    let history = events.scan_all().await.map_err(|e| e.to_string())?;
    let sealed = SealedStore::new(Arc::new(events.clone()), keys);
    let consumer = consumer(target, Arc::new(sealed));
    let mut writes = 0;
    for (chunk_index, chunk) in history.chunks(100).enumerate() {
        let records = records_of(&format!("rebuild-{chunk_index}-"), chunk);
        let report = consumer.process(records).await;
        if !report.failed.is_empty() {
            return Err(format!(
                "{} event(s) could not be projected",
                report.failed.len()
            ));
        }
        writes += report.writes;
    }
    Ok((history.len(), writes))
}
