//! The DynamoDB adapter: one item per event, appends as one conditional transaction.

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

use super::item::{from_item, stream_key, to_item, PARTITION_KEY};
use super::{check_append, EventStore, StoreError, Written};
use crate::envelope::{EventEnvelope, StreamId};

#[derive(Clone, Debug)]
pub struct DynamoEventStore {
    client: Client,
    table: String,
}

impl DynamoEventStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

fn backend<E: std::error::Error + 'static>(err: E) -> StoreError {
    unavailable(err, Written::Nothing)
}

fn unavailable<E: std::error::Error + 'static>(err: E, written: Written) -> StoreError {
    let reason = DisplayErrorContext(&err).to_string();
    tracing::error!(error = %reason, %written, "event store request failed");
    StoreError::Unavailable { reason, written }
}

#[async_trait]
impl EventStore for DynamoEventStore {
    async fn load(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        // A stream past one 1 MB page comes back in several; follow them all.
        all_pages(|start| {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .expression_attribute_values(":pk", stream_key(stream))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
        })
        .await
    }

    async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        check_append(events)?;
        let mut transact_items = Vec::with_capacity(events.len());
        for event in events {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(to_item(event)?))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .build()
                .map_err(backend)?;
            transact_items.push(TransactWriteItem::builder().put(put).build());
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(transact_items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(service)) => match service.into_err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    // Reasons come back one per item, in request order.
                    let mut streams: Vec<StreamId> = cancelled
                        .cancellation_reasons()
                        .iter()
                        .zip(events)
                        .filter(|(reason, _)| super::item::lost_race(reason))
                        .map(|(_, event)| event.stream())
                        .collect();
                    if streams.is_empty() {
                        return Err(backend(cancelled));
                    }
                    streams.dedup();
                    Err(StoreError::Conflict { streams })
                }
                // Throttling, a conflict with another transaction, an internal error:
                // DynamoDB answered, and a transaction that fails applies nothing.
                other => Err(backend(other)),
            },
            Err(never_sent @ SdkError::ConstructionFailure(_)) => Err(backend(never_sent)),
            // A timeout, a dropped connection, an unreadable answer: the request may have
            // been applied without our hearing of it.
            Err(other) => Err(unavailable(other, Written::Unknown)),
        }
    }
}

impl DynamoEventStore {
    /// Every event in the table, by stream and version. A Scan: for rebuilding projections
    /// and other administration, never for serving a request.
    pub async fn scan_all(&self) -> Result<Vec<EventEnvelope>, StoreError> {
        let mut events = all_pages(|start| {
            let scan = self.client.scan().table_name(&self.table);
            scan.consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
        })
        .await?;
        events.sort_by_key(|e| (e.stream(), e.version));
        Ok(events)
    }
}

type Key = std::collections::HashMap<String, AttributeValue>;

/// A page of a Query or a Scan: its items, and the key to go on from.
trait Page {
    fn into_parts(self) -> (Vec<Key>, Option<Key>);
}

impl Page for aws_sdk_dynamodb::operation::query::QueryOutput {
    fn into_parts(self) -> (Vec<Key>, Option<Key>) {
        (self.items.unwrap_or_default(), self.last_evaluated_key)
    }
}

impl Page for aws_sdk_dynamodb::operation::scan::ScanOutput {
    fn into_parts(self) -> (Vec<Key>, Option<Key>) {
        (self.items.unwrap_or_default(), self.last_evaluated_key)
    }
}

/// Reads every page of a Query or Scan: `read(start)` sends the request for the page that
/// starts there, until a page has no key to go on from.
async fn all_pages<F, Fut, P, E>(mut read: F) -> Result<Vec<EventEnvelope>, StoreError>
where
    F: FnMut(Option<Key>) -> Fut,
    Fut: std::future::Future<Output = Result<P, E>>,
    P: Page,
    E: std::error::Error + 'static,
{
    let mut events = Vec::new();
    let mut start = None;
    loop {
        let (items, next) = read(start).await.map_err(backend)?.into_parts();
        for item in items {
            events.push(from_item(item)?);
        }
        match next {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return Ok(events),
        }
    }
}

/// Creates the event store table as `template.yaml` defines it (used by the local stack and
/// tests; on AWS the template owns it).
pub async fn create_event_store_table(client: &Client, table: &str) -> Result<(), StoreError> {
    use aws_sdk_dynamodb::types::{BillingMode, KeyType, StreamSpecification, StreamViewType};
    let attribute = |name: &str| super::item::string_attribute(name).map_err(backend);
    let key = |name: &str, key_type| super::item::key_element(name, key_type).map_err(backend);
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attribute("PK")?)
        .attribute_definitions(attribute("SK")?)
        .key_schema(key("PK", KeyType::Hash)?)
        .key_schema(key("SK", KeyType::Range)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewImage)
                .build()
                .map_err(backend)?,
        )
        .send()
        .await;
    match created {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => Ok(()),
        Err(e) => Err(backend(e)),
    }
}

/// A raw item write that skips the event store's checks: for tests that plant corrupt data.
pub async fn put_raw_item(
    client: &Client,
    table: &str,
    item: std::collections::HashMap<String, AttributeValue>,
) -> Result<(), StoreError> {
    client
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .map(|_| ())
        .map_err(backend)
}
