//! The ProjectionStore table on DynamoDB.
//!
//! Items live in generations: every key (PK and both index partitions) starts `g<N>#`. Readers
//! and the consumer use the live generation named by one pointer item; a rebuild builds the
//! next generation beside it while the consumer keeps both current, switches the pointer, and
//! only then removes the old generation. So a rebuild never disturbs what readers see, and
//! every counter in a generation is moved by one writer discipline from an empty start.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use serde_json::Value;

use event_sourcing::projection::{
    Index, IndexEntry, IndexPage, IndexQuery, ItemKey, ProjectionStore, ProjectionStoreError,
    StoredView, ViewWrite,
};

use crate::DynamoClient;

const VIEW: &str = "view";
const SOURCE_VERSION: &str = "sourceVersion";
/// The pointer item: which generation is live, and which (if any) is being built.
const POINTER_PK: &str = "generation";
const POINTER_SK: &str = "pointer";
const LIVE: &str = "live";
const BUILDING: &str = "building";

/// How long a reader trusts the live generation it last read. A rebuild keeps the generation
/// it replaced for longer than this (plus the longest invocation) before removing it.
pub const GENERATION_CACHE: Duration = Duration::from_secs(5);

/// The pointer item's content. With no pointer item, generation 0 is live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    pub live: u64,
    pub building: Option<u64>,
}

#[derive(Clone, Debug)]
enum Generation {
    /// Follow the pointer, trusting a read for [`GENERATION_CACHE`].
    Live(Arc<Mutex<Option<(u64, Instant)>>>),
    /// One generation, whatever the pointer says (a consumer target, a rebuild).
    Fixed(u64),
}

#[derive(Clone, Debug)]
pub struct DynamoProjectionStore {
    client: DynamoClient,
    table: String,
    generation: Generation,
}

impl DynamoProjectionStore {
    /// A store that reads and writes the live generation.
    pub fn new(client: impl Into<DynamoClient>, table: impl Into<String>) -> Self {
        Self {
            client: client.into(),
            table: table.into(),
            generation: Generation::Live(Arc::default()),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The same table, bound to one generation.
    pub fn at(&self, generation: u64) -> Self {
        Self {
            generation: Generation::Fixed(generation),
            ..self.clone()
        }
    }

    /// The same table, following the live generation with a cache of its own.
    pub fn live(&self) -> Self {
        Self::new(self.client.clone(), self.table.clone())
    }
}

fn prefix(generation: u64) -> String {
    format!("g{generation}#")
}

fn backend<E: std::error::Error + 'static>(err: E) -> ProjectionStoreError {
    let message = DisplayErrorContext(&err).to_string();
    tracing::error!(error = %message, "projection store request failed");
    ProjectionStoreError::Backend(message)
}

fn raw_key(pk: String, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("PK".to_owned(), AttributeValue::S(pk)),
        ("SK".to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

fn key_item(generation: u64, key: &ItemKey) -> HashMap<String, AttributeValue> {
    raw_key(format!("{}{}", prefix(generation), key.pk), &key.sk)
}

/// An update of the pointer: a failed condition means another rebuild moved it first.
fn pointer_moved<T>(
    result: Result<T, SdkError<UpdateItemError, aws_smithy_runtime_api::http::Response>>,
) -> Result<(), ProjectionStoreError> {
    match result {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(e))
            if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
        {
            Err(ProjectionStoreError::Conflict(ItemKey::new(
                POINTER_PK, POINTER_SK,
            )))
        }
        Err(e) => Err(backend(e)),
    }
}

fn pointer_key() -> HashMap<String, AttributeValue> {
    raw_key(POINTER_PK.to_owned(), POINTER_SK)
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<u64> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

fn string(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Some(s.clone()),
        _ => None,
    }
}

fn stored_view(item: &HashMap<String, AttributeValue>) -> Result<StoredView, ProjectionStoreError> {
    let view = match item.get(VIEW) {
        Some(value) => Some(
            serde_dynamo::from_attribute_value::<_, Value>(value.clone())
                .map_err(|e| ProjectionStoreError::Backend(format!("unreadable view: {e}")))?,
        ),
        None => None,
    };
    let mut source_version = 0;
    let mut counters = BTreeMap::new();
    for (name, value) in item {
        if let AttributeValue::N(number) = value {
            let parsed: i64 = number.parse().unwrap_or(0);
            if name == SOURCE_VERSION {
                source_version = parsed.max(0) as u64;
            } else {
                counters.insert(name.clone(), parsed);
            }
        }
    }
    Ok(StoredView {
        view,
        source_version,
        counters,
    })
}

/// Attempts of a transaction whose items another transaction holds (see `write`).
const COUNTER_CONTENTION_ATTEMPTS: u64 = 5;

#[async_trait]
impl ProjectionStore for DynamoProjectionStore {
    async fn get(&self, key: &ItemKey) -> Result<StoredView, ProjectionStoreError> {
        let generation = self.generation().await?;
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_item(generation, key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        match output.item {
            Some(item) => stored_view(&item),
            None => Ok(StoredView::default()),
        }
    }

    /// BatchGetItem, 100 keys a request, unprocessed keys asked again.
    async fn get_many(
        &self,
        keys: &[ItemKey],
    ) -> Result<HashMap<ItemKey, StoredView>, ProjectionStoreError> {
        let generation = self.generation().await?;
        let own = prefix(generation);
        let mut found: HashMap<ItemKey, StoredView> = keys
            .iter()
            .map(|key| (key.clone(), StoredView::default()))
            .collect();
        let mut unique: Vec<ItemKey> = found.keys().cloned().collect();
        unique.sort();
        let items = crate::item::batch_get_consistent(
            &self.client,
            &self.table,
            unique.iter().map(|k| key_item(generation, k)).collect(),
        )
        .await
        .map_err(backend)?;
        for item in items {
            let (Some(pk), Some(sk)) = (string(&item, "PK"), string(&item, "SK")) else {
                continue;
            };
            let Some(pk) = pk.strip_prefix(&own) else {
                continue;
            };
            found.insert(ItemKey::new(pk, sk), stored_view(&item)?);
        }
        Ok(found)
    }

    async fn write(&self, write: ViewWrite) -> Result<(), ProjectionStoreError> {
        let generation = self.generation().await?;
        let mut names = HashMap::from([
            ("#v".to_owned(), VIEW.to_owned()),
            ("#sv".to_owned(), SOURCE_VERSION.to_owned()),
        ]);
        let mut values = HashMap::from([(
            ":nv".to_owned(),
            AttributeValue::N(write.new_version.to_string()),
        )]);
        let mut set = vec!["#sv = :nv".to_owned()];
        let mut remove = Vec::new();
        match &write.view {
            Some(view) => {
                let value = serde_dynamo::to_attribute_value(view).map_err(|e| {
                    ProjectionStoreError::Backend(format!("view not storable: {e}"))
                })?;
                values.insert(":view".into(), value);
                set.push("#v = :view".into());
            }
            None => remove.push("#v".to_owned()),
        }
        for index in Index::ALL {
            let (pk, sk) = index.attributes();
            match write.index.iter().find(|e| e.index == index) {
                Some(entry) => {
                    values.insert(
                        format!(":{pk}"),
                        AttributeValue::S(format!("{}{}", prefix(generation), entry.pk)),
                    );
                    values.insert(format!(":{sk}"), AttributeValue::S(entry.sk.clone()));
                    set.push(format!("{pk} = :{pk}"));
                    set.push(format!("{sk} = :{sk}"));
                }
                None => {
                    remove.push(pk.to_owned());
                    remove.push(sk.to_owned());
                }
            }
        }
        let condition = if write.expected_version == 0 {
            "attribute_not_exists(#sv)".to_owned()
        } else {
            values.insert(
                ":ev".into(),
                AttributeValue::N(write.expected_version.to_string()),
            );
            "#sv = :ev".to_owned()
        };
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        if write.counters.is_empty() {
            // One item: a conditional UpdateItem, half the cost of a transaction.
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_item(generation, &write.key)))
                .update_expression(expression)
                .condition_expression(condition)
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values))
                .send()
                .await;
            return match result {
                Ok(_) => Ok(()),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
                {
                    Err(ProjectionStoreError::Conflict(write.key))
                }
                Err(e) => Err(backend(e)),
            };
        }
        let mut items = vec![TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(key_item(generation, &write.key)))
                    .update_expression(expression)
                    .condition_expression(condition)
                    .set_expression_attribute_names(Some(std::mem::take(&mut names)))
                    .set_expression_attribute_values(Some(values))
                    .build()
                    .map_err(backend)?,
            )
            .build()];
        // One update per item (a transaction touches an item once): its adds, and the index
        // keys of an item that only counters write.
        let mut targets: Vec<&ItemKey> = write.counters.iter().map(|d| &d.key).collect();
        targets.dedup();
        targets.sort();
        targets.dedup();
        for target in targets {
            let mut names = HashMap::new();
            let mut values = HashMap::new();
            let mut adds = Vec::new();
            let mut sets = Vec::new();
            for (i, delta) in write
                .counters
                .iter()
                .filter(|d| &d.key == target)
                .enumerate()
            {
                names.insert(format!("#c{i}"), delta.counter.clone());
                values.insert(format!(":d{i}"), AttributeValue::N(delta.delta.to_string()));
                adds.push(format!("#c{i} :d{i}"));
                if let Some(entry) = &delta.index {
                    let (pk, sk) = entry.index.attributes();
                    values.insert(
                        format!(":{pk}"),
                        AttributeValue::S(format!("{}{}", prefix(generation), entry.pk)),
                    );
                    values.insert(format!(":{sk}"), AttributeValue::S(entry.sk.clone()));
                    sets.push(format!("{pk} = :{pk}"));
                    sets.push(format!("{sk} = :{sk}"));
                }
            }
            sets.sort();
            sets.dedup();
            let mut expression = format!("ADD {}", adds.join(", "));
            if !sets.is_empty() {
                expression.push_str(&format!(" SET {}", sets.join(", ")));
            }
            items.push(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_item(generation, target)))
                            .update_expression(expression)
                            .set_expression_attribute_names(Some(names))
                            .set_expression_attribute_values(Some(values))
                            .build()
                            .map_err(backend)?,
                    )
                    .build(),
            );
        }
        // Counter items shared by many streams (a pipeline's figures) are often in another
        // transaction for a moment: that is waited out here, briefly and with jitter. A failed
        // condition (the view moved on) is the consumer's to handle: it reads again.
        for attempt in 1..=COUNTER_CONTENTION_ATTEMPTS {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let cancelled = match result {
                Ok(_) => return Ok(()),
                Err(SdkError::ServiceError(e)) => match e.into_err() {
                    TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled,
                    other => return Err(backend(other)),
                },
                Err(e) => return Err(backend(e)),
            };
            let reasons = cancelled.cancellation_reasons();
            let condition_failed = reasons
                .iter()
                .any(|r| r.code() == Some("ConditionalCheckFailed"));
            let contended = reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"));
            if condition_failed || (contended && attempt == COUNTER_CONTENTION_ATTEMPTS) {
                return Err(ProjectionStoreError::Conflict(write.key));
            }
            if !contended {
                return Err(backend(cancelled));
            }
            let jitter = u64::from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos())
                    % 20,
            );
            tokio::time::sleep(std::time::Duration::from_millis(10 * attempt + jitter)).await;
        }
        Err(ProjectionStoreError::Conflict(write.key))
    }

    async fn query(&self, query: IndexQuery<'_>) -> Result<IndexPage, ProjectionStoreError> {
        let IndexQuery {
            index,
            partition,
            after,
            limit,
            from,
            to,
        } = query;
        let generation = self.generation().await?;
        let own = prefix(generation);
        let partition = format!("{own}{partition}");
        let (pk_name, sk_name) = index.attributes();
        let start = after.map(|(sk, key)| {
            let mut start = key_item(generation, &key);
            start.insert(pk_name.to_owned(), AttributeValue::S(partition.clone()));
            start.insert(sk_name.to_owned(), AttributeValue::S(sk));
            start
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name())
            .key_condition_expression(match (&from, &to) {
                (Some(_), Some(_)) => "#p = :p AND #s BETWEEN :from AND :to",
                (Some(_), None) => "#p = :p AND #s >= :from",
                (None, Some(_)) => "#p = :p AND #s <= :to",
                (None, None) => "#p = :p",
            })
            .set_expression_attribute_names(Some(
                [("#p", pk_name), ("#s", sk_name)]
                    .into_iter()
                    .filter(|(name, _)| *name == "#p" || from.is_some() || to.is_some())
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect(),
            ))
            .set_expression_attribute_values(Some(
                [
                    Some((":p".to_owned(), AttributeValue::S(partition.clone()))),
                    from.map(|f| (":from".to_owned(), AttributeValue::S(f))),
                    to.map(|t| (":to".to_owned(), AttributeValue::S(t))),
                ]
                .into_iter()
                .flatten()
                .collect(),
            ))
            .limit(limit.clamp(1, 1000) as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(backend)?;
        let more = output.last_evaluated_key.is_some_and(|k| !k.is_empty());
        let mut items = Vec::new();
        for item in output.items.unwrap_or_default() {
            let unprefixed = |name| string(&item, name)?.strip_prefix(&own).map(str::to_owned);
            let (Some(pk), Some(sk), Some(ipk), Some(isk)) = (
                unprefixed("PK"),
                string(&item, "SK"),
                unprefixed(pk_name),
                string(&item, sk_name),
            ) else {
                continue;
            };
            items.push((
                ItemKey::new(pk, sk),
                IndexEntry {
                    index,
                    pk: ipk,
                    sk: isk,
                },
                stored_view(&item)?,
            ));
        }
        Ok(IndexPage { items, more })
    }

    async fn consumer_targets(
        self: Arc<Self>,
    ) -> Result<Vec<Arc<dyn ProjectionStore>>, ProjectionStoreError> {
        if let Generation::Fixed(_) = self.generation {
            return Ok(vec![self]);
        }
        // Read after the batch's events were committed: a rebuild that began before then is
        // seen here, and one that begins later scans those events itself.
        let Generations { live, building } = self.generations().await?;
        Ok(std::iter::once(live)
            .chain(building)
            .map(|generation| Arc::new(self.at(generation)) as Arc<dyn ProjectionStore>)
            .collect())
    }
}

impl DynamoProjectionStore {
    /// The generation this store reads and writes now.
    async fn generation(&self) -> Result<u64, ProjectionStoreError> {
        let cache = match &self.generation {
            Generation::Fixed(generation) => return Ok(*generation),
            Generation::Live(cache) => cache,
        };
        let cached = *cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((generation, read_at)) = cached {
            if read_at.elapsed() < GENERATION_CACHE {
                return Ok(generation);
            }
        }
        let live = self.generations().await?.live;
        *cache.lock().unwrap_or_else(|e| e.into_inner()) = Some((live, Instant::now()));
        Ok(live)
    }

    /// The pointer, read strongly consistently.
    pub async fn generations(&self) -> Result<Generations, ProjectionStoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(pointer_key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        Ok(output
            .item
            .map_or_else(Generations::default, |item| Generations {
                live: number(&item, LIVE).unwrap_or(0),
                building: number(&item, BUILDING),
            }))
    }

    /// Names a new generation as being built (after any, live or abandoned, so it starts
    /// empty); from the next batch on the consumer keeps it current beside the live one. A
    /// rebuild already under way is superseded: its switch will fail.
    pub async fn begin_generation(&self) -> Result<u64, ProjectionStoreError> {
        let current = self.generations().await?;
        let next = current.live.max(current.building.unwrap_or(0)) + 1;
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(pointer_key()))
            .update_expression("SET #live = if_not_exists(#live, :zero), #building = :next")
            .expression_attribute_names("#live", LIVE)
            .expression_attribute_names("#building", BUILDING)
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":next", AttributeValue::N(next.to_string()))
            .expression_attribute_values(":live", AttributeValue::N(current.live.to_string()));
        update = match current.building {
            Some(building) => update
                .condition_expression("#live = :live AND #building = :was")
                .expression_attribute_values(":was", AttributeValue::N(building.to_string())),
            None => update.condition_expression(
                "(attribute_not_exists(#live) OR #live = :live) AND attribute_not_exists(#building)",
            ),
        };
        pointer_moved(update.send().await).map(|()| next)
    }

    /// Makes a built generation live, if no later rebuild has superseded it.
    pub async fn switch_to(&self, generation: u64) -> Result<(), ProjectionStoreError> {
        self.settle(generation, "SET #live = :g REMOVE #building")
            .await
    }

    /// Stops keeping a generation current (a rebuild that failed); its items are removed
    /// with the next switch's old generations.
    pub async fn abandon(&self, generation: u64) -> Result<(), ProjectionStoreError> {
        self.settle(generation, "REMOVE #building").await
    }

    async fn settle(&self, generation: u64, expression: &str) -> Result<(), ProjectionStoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(pointer_key()))
            .update_expression(expression)
            .condition_expression("#building = :g")
            .set_expression_attribute_names(Some(
                [("#building", BUILDING), ("#live", LIVE)]
                    .into_iter()
                    // DynamoDB refuses names the expressions do not use.
                    .filter(|(name, _)| expression.contains(name))
                    .map(|(name, attribute)| (name.to_owned(), attribute.to_owned()))
                    .collect(),
            ))
            .expression_attribute_values(":g", AttributeValue::N(generation.to_string()))
            .send()
            .await;
        pointer_moved(result)
    }

    /// Deletes every item of the generations before `generation` (live or abandoned ones it
    /// replaced; never a later one a newer rebuild is building). Returns how many.
    pub async fn remove_generations_before(
        &self,
        generation: u64,
    ) -> Result<usize, ProjectionStoreError> {
        use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
        let older = |item: &HashMap<String, AttributeValue>| {
            string(item, "PK")
                .and_then(|pk| {
                    let (tag, _) = pk.split_once('#')?;
                    tag.strip_prefix('g')?.parse::<u64>().ok()
                })
                .is_some_and(|g| g < generation)
        };
        let mut deleted = 0;
        let mut start_key = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.table)
                .projection_expression("PK, SK")
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(backend)?;
            let keys: Vec<_> = page
                .items
                .unwrap_or_default()
                .into_iter()
                .filter(older)
                .collect();
            // BatchWriteItem takes at most 25 requests.
            for chunk in keys.chunks(25) {
                let requests = chunk
                    .iter()
                    .map(|key| {
                        DeleteRequest::builder()
                            .set_key(Some(key.clone()))
                            .build()
                            .map(|delete| WriteRequest::builder().delete_request(delete).build())
                            .map_err(backend)
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let mut pending = Some(HashMap::from([(self.table.clone(), requests)]));
                while let Some(requests) = pending.take().filter(|r| !r.is_empty()) {
                    let output = self
                        .client
                        .batch_write_item()
                        .set_request_items(Some(requests))
                        .send()
                        .await
                        .map_err(backend)?;
                    pending = output
                        .unprocessed_items
                        .filter(|u| u.values().any(|v| !v.is_empty()));
                }
                deleted += chunk.len();
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start_key = Some(key),
                _ => break,
            }
        }
        Ok(deleted)
    }
}

/// Creates the projection table as `template.yaml` defines it (local stack and tests).
pub async fn create_projection_store_table(
    client: &Client,
    table: &str,
) -> Result<(), ProjectionStoreError> {
    use crate::item::{key_element, string_attribute};
    use aws_sdk_dynamodb::types::{
        BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType,
    };
    let attribute = |name: &str| string_attribute(name).map_err(backend);
    let key = |name: &str, key_type| key_element(name, key_type).map_err(backend);
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("PK", KeyType::Hash)?)
        .key_schema(key("SK", KeyType::Range)?);
    for name in ["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"] {
        request = request.attribute_definitions(attribute(name)?);
    }
    for index in Index::ALL {
        let (pk, sk) = index.attributes();
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index.name())
                .key_schema(key(pk, KeyType::Hash)?)
                .key_schema(key(sk, KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(backend)?,
        );
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => Ok(()),
        Err(e) => Err(backend(e)),
    }
}
