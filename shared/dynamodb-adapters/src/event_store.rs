//! The DynamoDB adapter: one item per event, appends as one conditional transaction.

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

use event_sourcing::store::{
    check_append, AppendLimits, EventStore, IdempotencyRecord, IdempotencyStore, PageOf,
    ResealStore, Snapshot, SnapshotStore, StoreError, StreamTail, Written, SNAPSHOT_EVERY,
};
use event_sourcing::{EventEnvelope, StreamId};

use crate::item::{
    from_item, is_event_key, sort_key, stream_key, to_item, IDEMPOTENCY_PREFIX, PARTITION_KEY,
    SNAPSHOT_SORT_KEY, SORT_KEY,
};
use crate::{DynamoTable, APPEND_LIMITS};

/// Marks the [`DynamoTable`] of events.
#[derive(Clone, Copy, Debug)]
pub struct Events;

/// The event store on DynamoDB.
pub type DynamoEventStore = DynamoTable<Events>;

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

    /// One Query of the page's range of sort keys (more only past 1 MB), never the snapshot.
    async fn load_page(
        &self,
        stream: &StreamId,
        page: PageOf,
    ) -> Result<Vec<EventEnvelope>, StoreError> {
        let (low, high) = match (page.past, page.newest_first) {
            (None, _) => (1, LAST_VERSION),
            (Some(past), false) => (past.saturating_add(1), LAST_VERSION),
            (Some(past), true) => (1, past.saturating_sub(1)),
        };
        if low > high || page.limit == 0 {
            return Ok(Vec::new());
        }
        let mut events = Vec::new();
        let mut start = None;
        loop {
            let wanted = page.limit - events.len();
            let read = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .expression_attribute_names("#sk", SORT_KEY)
                .expression_attribute_values(":pk", stream_key(stream))
                .expression_attribute_values(":low", AttributeValue::S(sort_key(low)))
                .expression_attribute_values(":high", AttributeValue::S(sort_key(high)))
                .scan_index_forward(!page.newest_first)
                .limit(i32::try_from(wanted).unwrap_or(i32::MAX))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(backend)?;
            for item in read.items.unwrap_or_default() {
                events.push(from_item(item)?);
            }
            match read.last_evaluated_key {
                Some(key) if !key.is_empty() && events.len() < page.limit => start = Some(key),
                _ => return Ok(events),
            }
        }
    }

    async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        self.transact(events, None).await
    }

    fn limits(&self) -> AppendLimits {
        APPEND_LIMITS
    }
}

#[async_trait]
impl SnapshotStore for DynamoEventStore {
    /// One consistent Query of the stream's end, newest first: the snapshot (its sort key is
    /// last) and the [`SNAPSHOT_EVERY`] latest events. Only a stream that ran further past its
    /// snapshot than that (a lost snapshot write, a stream from before snapshots) costs a
    /// second Query, of the events after the snapshot.
    async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_values(":pk", stream_key(stream))
            .scan_index_forward(false)
            .limit(SNAPSHOT_EVERY as i32 + 1)
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        let more = page.last_evaluated_key.is_some_and(|key| !key.is_empty());
        let mut snapshot = None;
        let mut events = Vec::new();
        for item in page.items.unwrap_or_default() {
            match item_keys(&item) {
                (_, SNAPSHOT_SORT_KEY) => snapshot = snapshot_from_item(&item),
                (pk, sk) if is_event_key(pk, sk) => events.push(from_item(item)?),
                _ => {}
            }
        }
        events.reverse();
        let after = snapshot.as_ref().map_or(0, |s: &Snapshot| s.version);
        let complete = !more || events.first().is_some_and(|e| e.version <= after + 1);
        if complete {
            events.retain(|e| e.version > after);
        } else {
            events = self.load_after(stream, after).await?;
        }
        Ok(StreamTail { snapshot, events })
    }

    async fn save_snapshot(
        &self,
        stream: &StreamId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let number = |n: u64| AttributeValue::N(n.to_string());
        let saved = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(PARTITION_KEY, stream_key(stream))
            .item(SORT_KEY, AttributeValue::S(SNAPSHOT_SORT_KEY.into()))
            .item("version", number(snapshot.version))
            .item("shape", number(snapshot.shape.into()))
            .item("state", AttributeValue::S(snapshot.state.clone()))
            // Two commands racing past the same point: the newer snapshot stays (an item
            // without a version, which no build writes, is replaced).
            .condition_expression(
                "attribute_not_exists(#pk) OR attribute_not_exists(#version) OR #version < :version",
            )
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":version", number(snapshot.version))
            .send()
            .await;
        match saved {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(())
            }
            Err(e) => Err(unavailable(e, Written::Unknown)),
        }
    }
}

#[async_trait]
impl IdempotencyStore for DynamoEventStore {
    async fn recorded(&self, key: &str, now: i64) -> Result<Option<IdempotencyRecord>, StoreError> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(record_key(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?
            .item;
        let text = |item: &Key, name: &str| match item.get(name) {
            Some(AttributeValue::S(value)) => Some(value.clone()),
            _ => None,
        };
        let number = |item: &Key, name: &str| match item.get(name) {
            Some(AttributeValue::N(value)) => value.parse::<i64>().ok(),
            _ => None,
        };
        Ok(item
            .and_then(|item| {
                Some(IdempotencyRecord {
                    key: key.to_owned(),
                    fingerprint: text(&item, "fingerprint")?,
                    answer: text(&item, "answer")?,
                    recorded_at: number(&item, "recordedAt")?,
                    expires_at: number(&item, "expiresAt")?,
                })
            })
            .filter(|record| record.expires_at > now))
    }

    async fn append_recorded(
        &self,
        events: &[EventEnvelope],
        record: &IdempotencyRecord,
    ) -> Result<(), StoreError> {
        self.transact(events, Some(record)).await
    }
}

#[async_trait]
impl ResealStore for DynamoEventStore {
    async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        self.load(stream).await
    }

    async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError> {
        let replaced = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(event)?))
            // Only the very event stored there: never a new one, never another.
            .condition_expression("eventId = :id")
            .expression_attribute_values(":id", AttributeValue::S(event.event_id.to_string()))
            .send()
            .await;
        match replaced {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Err(StoreError::Corrupt(format!(
                    "{} v{} is not stored as that event",
                    event.stream(),
                    event.version
                )))
            }
            Err(e) => Err(unavailable(e, Written::Unknown)),
        }
    }
}

impl DynamoEventStore {
    /// The stream's events after `version`, in order.
    async fn load_after(
        &self,
        stream: &StreamId,
        version: u64,
    ) -> Result<Vec<EventEnvelope>, StoreError> {
        all_pages(|start| {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk > :after")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .expression_attribute_names("#sk", SORT_KEY)
                .expression_attribute_values(":pk", stream_key(stream))
                .expression_attribute_values(":after", AttributeValue::S(sort_key(version)))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
        })
        .await
    }

    /// One `TransactWriteItems`: every event conditioned on its version being free, and the
    /// idempotency record (last) on its key being free or void. The request token is derived
    /// from the first item, so an SDK retry of a transaction whose answer was lost is
    /// recognised by DynamoDB (for 10 minutes) instead of failing its own conditions.
    async fn transact(
        &self,
        events: &[EventEnvelope],
        record: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        check_append(events, &APPEND_LIMITS)?;
        let mut transact_items = Vec::with_capacity(events.len() + 1);
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
        if let Some(record) = record {
            let mut item = record_key(&record.key);
            item.insert(
                "fingerprint".into(),
                AttributeValue::S(record.fingerprint.clone()),
            );
            item.insert("answer".into(), AttributeValue::S(record.answer.clone()));
            item.insert(
                "recordedAt".into(),
                AttributeValue::N(record.recorded_at.to_string()),
            );
            item.insert(
                "expiresAt".into(),
                AttributeValue::N(record.expires_at.to_string()),
            );
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk) OR expiresAt <= :now")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .expression_attribute_values(
                    ":now",
                    AttributeValue::N(record.recorded_at.to_string()),
                )
                .build()
                .map_err(backend)?;
            transact_items.push(TransactWriteItem::builder().put(put).build());
        }
        let token = events
            .first()
            .map(|e| e.event_id)
            .or_else(|| {
                record.map(|r| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, r.key.as_bytes()))
            })
            .map(|id| id.to_string());
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(transact_items))
            .set_client_request_token(token)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(service)) => match service.into_err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    // Reasons come back one per item, in request order; the record is last.
                    let reasons = cancelled.cancellation_reasons();
                    if let Some(record) = record {
                        if reasons
                            .get(events.len())
                            .is_some_and(crate::item::lost_race)
                        {
                            return Err(StoreError::KeyTaken(record.key.clone()));
                        }
                    }
                    let mut streams: Vec<StreamId> = reasons
                        .iter()
                        .zip(events)
                        .filter(|(reason, _)| crate::item::lost_race(reason))
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

/// The highest version a sort key holds (`v` + 10 digits).
const LAST_VERSION: u64 = 9_999_999_999;

/// An item's partition and sort key ("" where missing: an item without them is reported as
/// corrupt when read as an event).
fn item_keys(item: &Key) -> (&str, &str) {
    let text = |name| match item.get(name) {
        Some(AttributeValue::S(value)) => value.as_str(),
        _ => "",
    };
    (text(PARTITION_KEY), text(SORT_KEY))
}

/// A snapshot item, or none if it is not whole (it is then rebuilt from the stream).
fn snapshot_from_item(item: &Key) -> Option<Snapshot> {
    let number = |name| match item.get(name) {
        Some(AttributeValue::N(value)) => value.parse::<u64>().ok(),
        _ => None,
    };
    Some(Snapshot {
        version: number("version")?,
        shape: u32::try_from(number("shape")?).ok()?,
        state: match item.get("state") {
            Some(AttributeValue::S(state)) => state.clone(),
            _ => return None,
        },
    })
}

/// An idempotency record's key: its own partition, never a stream's.
fn record_key(key: &str) -> Key {
    Key::from([
        (
            PARTITION_KEY.to_owned(),
            AttributeValue::S(format!("{IDEMPOTENCY_PREFIX}{key}")),
        ),
        ("SK".to_owned(), AttributeValue::S("answer".to_owned())),
    ])
}

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
            let (pk, sk) = item_keys(&item);
            if is_event_key(pk, sk) {
                events.push(from_item(item)?);
            }
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
    let attribute = |name: &str| crate::item::string_attribute(name).map_err(backend);
    let key = |name: &str, key_type| crate::item::key_element(name, key_type).map_err(backend);
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
        Ok(_) => {}
        Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => return Ok(()),
        Err(e) => return Err(backend(e)),
    }
    // Idempotency records expire; events have no `expiresAt` and never do.
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                .attribute_name("expiresAt")
                .enabled(true)
                .build()
                .map_err(backend)?,
        )
        .send()
        .await
        .map(|_| ())
        .map_err(backend)
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
