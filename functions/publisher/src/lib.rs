//! The publisher: the EventStore's DynamoDB Stream in (event inserts only, by the event source
//! mapping's filter), the public change feed out, on an EventBridge bus.
//!
//! Each event is read as stored, with its personal data sealed: the publisher holds no data
//! key, and a sealed field reads as erased ([`redacted`]). Its aggregate's [`Feed`] maps it to
//! its public form, which travels as a CloudEvent in the bus event's `detail`. Entries go out
//! in `PutEvents` calls of at most 10 (the API's limit), in stream order; entries the bus
//! refused are retried alone, a few times with backoff. What still fails is reported, with
//! every record after it, as the batch's item failures, so the event source mapping delivers
//! them again: at least once, duplicates recognisable by the CloudEvent `id`.

mod bus;
#[cfg(feature = "local")]
pub mod local;

use std::time::Duration;

use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use contracts::feed::{cloud_event, Feed};
use crypto_shredding::KeyState;
use event_sourcing::projection::IncomingRecord;
use event_sourcing::EventEnvelope;

pub use bus::{Bus, BusError, Entry, EventBridgeBus, MAX_ENTRIES};
pub use dynamodb_adapters::stream::parse_records;

/// Every aggregate's feed. A new aggregate is added here (a test holds it to the streams).
pub fn feeds() -> Vec<Feed> {
    vec![
        contact::feed::feed(),
        client::feed::feed(),
        case::feed::feed(),
        pipeline::feed::feed(),
        opportunity::feed::feed(),
        task::feed::feed(),
        sla_policy::feed::feed(),
    ]
}

/// How often a refused entry is offered again within one invocation before its record is
/// reported (the event source mapping then retries the batch from it).
const ATTEMPTS: u32 = 4;

/// The event with every sealed field as erased: what the feed may see of it.
pub fn redacted(mut event: EventEnvelope) -> Result<EventEnvelope, String> {
    event.payload = crypto_shredding::open(event.payload, Some(&KeyState::Erased))
        .map_err(|e| e.to_string())?;
    Ok(event)
}

/// The bus entry of a record's event, `None` when the feed withholds it.
pub fn entry(
    feeds: &[Feed],
    event: EventEnvelope,
    bus_name: &str,
) -> Result<Option<Entry>, String> {
    let event = redacted(event)?;
    let feed = feeds
        .iter()
        .find(|feed| feed.aggregate == event.aggregate_type)
        .ok_or_else(|| format!("no feed decides on {} events", event.aggregate_type))?;
    let publication = feed.publication(&event)?;
    Ok(cloud_event(&event, publication).map(|detail| Entry::new(bus_name, detail)))
}

/// What one invocation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub entries: usize,
    pub withheld: usize,
    pub calls: usize,
    /// The first record not known to be published; it and every later one are reported.
    pub failed_from: Option<String>,
}

/// Publishes a batch in order and answers the event source mapping.
pub async fn publish(
    feeds: &[Feed],
    bus: &dyn Bus,
    bus_name: &str,
    records: Vec<IncomingRecord>,
) -> (Published, DynamoDbEventResponse) {
    let mut report = Published::default();
    // The records up to the first unreadable one, each with its entry (or none).
    let mut pending: Vec<(String, Option<Entry>)> = Vec::new();
    let mut unreadable = None;
    for record in records {
        match record.event.and_then(|event| entry(feeds, event, bus_name)) {
            Ok(entry) => pending.push((record.sequence_number, entry)),
            Err(reason) => {
                tracing::error!(sequence = %record.sequence_number, %reason, "record not published");
                unreadable = Some(record.sequence_number);
                break;
            }
        }
    }
    report.withheld = pending.iter().filter(|(_, e)| e.is_none()).count();
    let entries: Vec<(usize, Entry)> = pending
        .iter()
        .enumerate()
        .filter_map(|(i, (_, entry))| entry.clone().map(|e| (i, e)))
        .collect();
    report.entries = entries.len();
    // The position of the first record whose entry the bus never took.
    let mut first_failed: Option<usize> = None;
    for chunk in entries.chunks(MAX_ENTRIES) {
        let mut waiting: Vec<&(usize, Entry)> = chunk.iter().collect();
        for attempt in 0..ATTEMPTS {
            if waiting.is_empty() {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
            report.calls += 1;
            let batch: Vec<Entry> = waiting.iter().map(|(_, e)| e.clone()).collect();
            match bus.put(&batch).await {
                Ok(refused) => {
                    waiting = waiting
                        .into_iter()
                        .zip(refused)
                        .filter_map(|(entry, refused)| refused.map(|_| entry))
                        .collect();
                }
                Err(error) => {
                    tracing::warn!(%error, attempt, "the bus refused a whole call");
                }
            }
        }
        // Later chunks wait for the next delivery: fewer duplicates, and the stream's order.
        if let Some((position, _)) = waiting.first() {
            first_failed = Some(*position);
            break;
        }
    }
    let failed_from = match first_failed {
        Some(position) => pending.get(position).map(|(sequence, _)| sequence.clone()),
        None => unreadable,
    };
    let mut response = DynamoDbEventResponse::default();
    if let Some(sequence) = &failed_from {
        // The mapping retries from the lowest reported record: the rest follow it.
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(sequence.clone());
        response.batch_item_failures.push(failure);
    }
    report.failed_from = failed_from;
    (report, response)
}
