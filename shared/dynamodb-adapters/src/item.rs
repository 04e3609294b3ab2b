//! The DynamoDB item shape of an event, and DynamoDB's way of measuring it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use event_sourcing::store::{AppendLimits, StoreError};
use event_sourcing::{EventEnvelope, StreamId};

pub type Item = HashMap<String, AttributeValue>;

pub const PARTITION_KEY: &str = "PK";

/// The partition-key prefix of idempotency records, which share the table with the streams
/// (so a record lands in the same transaction as its events). They are never events: the
/// stream consumer and the scan skip them.
pub const IDEMPOTENCY_PREFIX: &str = "idempotency#";

/// Whether an item of the event store table, by its partition key, holds an event.
pub fn is_event_partition(partition_key: &str) -> bool {
    !partition_key.starts_with(IDEMPOTENCY_PREFIX)
}

/// Whether an item of the event store table, by its keys, holds an event: not an idempotency
/// record, not a snapshot.
pub fn is_event_key(partition_key: &str, sort_key: &str) -> bool {
    is_event_partition(partition_key) && sort_key != SNAPSHOT_SORT_KEY
}

pub const SORT_KEY: &str = "SK";

/// The sort key of a stream's snapshot: after every event's (`v` + digits), so one Query of the
/// stream's end in descending order meets the snapshot first, then the latest events.
pub const SNAPSHOT_SORT_KEY: &str = "~snapshot";

/// `v` + the version zero-padded to 10 digits, as the original wrote it: sorts as it counts.
pub fn sort_key(version: u64) -> String {
    format!("v{version:010}")
}

pub fn to_item(event: &EventEnvelope) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(event)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode event: {e}")))?;
    item.insert(
        PARTITION_KEY.into(),
        AttributeValue::S(event.stream().partition_key()),
    );
    item.insert(SORT_KEY.into(), AttributeValue::S(sort_key(event.version)));
    Ok(item)
}

pub fn from_item(item: Item) -> Result<EventEnvelope, StoreError> {
    let key = match item.get(PARTITION_KEY) {
        Some(AttributeValue::S(pk)) => pk.clone(),
        _ => "?".into(),
    };
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(format!("{key}: {e}")))
}

pub fn stream_key(stream: &StreamId) -> AttributeValue {
    AttributeValue::S(stream.partition_key())
}

/// TransactWriteItems' limits (100 items, 4 MB in all) and an item's (400 KB), events sized as
/// DynamoDB sizes their items.
pub const APPEND_LIMITS: AppendLimits = AppendLimits {
    max_events: 100,
    max_event_bytes: 400 * 1024,
    max_append_bytes: 4 * 1024 * 1024,
    event_size,
};

/// An event's size as the item it is stored as.
fn event_size(event: &EventEnvelope) -> Result<usize, StoreError> {
    Ok(item_size(&to_item(event)?))
}

/// Item size as DynamoDB counts it: names plus values, numbers at most 21 bytes, 3 bytes of
/// overhead per list or map and 1 per element. Slightly pessimistic, never optimistic.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => (n.len() / 2 + 2).min(21),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| (n.len() / 2 + 2).min(21)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// A string key attribute, for table definitions.
pub fn string_attribute(
    name: &str,
) -> Result<aws_sdk_dynamodb::types::AttributeDefinition, aws_sdk_dynamodb::error::BuildError> {
    aws_sdk_dynamodb::types::AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
        .build()
}

/// One element of a key schema, for table definitions.
pub fn key_element(
    name: &str,
    key_type: aws_sdk_dynamodb::types::KeyType,
) -> Result<aws_sdk_dynamodb::types::KeySchemaElement, aws_sdk_dynamodb::error::BuildError> {
    aws_sdk_dynamodb::types::KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
}

/// Whether a transaction item was cancelled because another writer got there first: its
/// condition failed, or a concurrent transaction held the item.
pub fn lost_race(reason: &aws_sdk_dynamodb::types::CancellationReason) -> bool {
    matches!(
        reason.code(),
        Some("ConditionalCheckFailed") | Some("TransactionConflict")
    )
}

#[derive(Debug, thiserror::Error)]
pub enum BatchGetError {
    #[error(transparent)]
    Build(#[from] aws_sdk_dynamodb::error::BuildError),
    #[error(transparent)]
    Send(
        Box<
            aws_sdk_dynamodb::error::SdkError<
                aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemError,
                aws_smithy_runtime_api::http::Response,
            >,
        >,
    ),
}

/// Every item found under `keys` in `table`, read strongly consistently with BatchGetItem: 100
/// keys a request, unprocessed (throttled) keys asked again after a short backoff.
pub async fn batch_get_consistent(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: Vec<Item>,
) -> Result<Vec<Item>, BatchGetError> {
    use aws_sdk_dynamodb::types::KeysAndAttributes;
    let mut found = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(100) {
        let mut pending = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(chunk.to_vec()))
                .consistent_read(true)
                .build()?,
        );
        let mut rounds = 0u32;
        while let Some(request) = pending.take() {
            if rounds > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20 << rounds.min(5))).await;
            }
            rounds += 1;
            let output = client
                .batch_get_item()
                .request_items(table, request)
                .send()
                .await
                .map_err(|e| BatchGetError::Send(Box::new(e)))?;
            found.extend(
                output
                    .responses
                    .and_then(|mut r| r.remove(table))
                    .unwrap_or_default(),
            );
            pending = output
                .unprocessed_keys
                .and_then(|mut u| u.remove(table))
                .filter(|k| !k.keys.is_empty());
        }
    }
    Ok(found)
}
