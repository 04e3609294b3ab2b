//! The ProjectionStore table on DynamoDB.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use serde_json::Value;

use super::{
    Index, IndexEntry, IndexPage, IndexQuery, ItemKey, ProjectionStore, ProjectionStoreError,
    StoredView, ViewWrite,
};

const VIEW: &str = "view";
const SOURCE_VERSION: &str = "sourceVersion";

#[derive(Clone, Debug)]
pub struct DynamoProjectionStore {
    client: Client,
    table: String,
}

impl DynamoProjectionStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn backend<E: std::error::Error + 'static>(err: E) -> ProjectionStoreError {
    let message = DisplayErrorContext(&err).to_string();
    tracing::error!(error = %message, "projection store request failed");
    ProjectionStoreError::Backend(message)
}

fn key_item(key: &ItemKey) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("PK".to_owned(), AttributeValue::S(key.pk.clone())),
        ("SK".to_owned(), AttributeValue::S(key.sk.clone())),
    ])
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

#[async_trait]
impl ProjectionStore for DynamoProjectionStore {
    async fn get(&self, key: &ItemKey) -> Result<StoredView, ProjectionStoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        match output.item {
            Some(item) => stored_view(&item),
            None => Ok(StoredView::default()),
        }
    }

    async fn write(&self, write: ViewWrite) -> Result<(), ProjectionStoreError> {
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
                    values.insert(format!(":{pk}"), AttributeValue::S(entry.pk.clone()));
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
                .set_key(Some(key_item(&write.key)))
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
                    .set_key(Some(key_item(&write.key)))
                    .update_expression(expression)
                    .condition_expression(condition)
                    .set_expression_attribute_names(Some(std::mem::take(&mut names)))
                    .set_expression_attribute_values(Some(values))
                    .build()
                    .map_err(backend)?,
            )
            .build()];
        for delta in &write.counters {
            items.push(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_item(&delta.key)))
                            .update_expression("ADD #c :d")
                            .expression_attribute_names("#c", delta.counter)
                            .expression_attribute_values(
                                ":d",
                                AttributeValue::N(delta.delta.to_string()),
                            )
                            .build()
                            .map_err(backend)?,
                    )
                    .build(),
            );
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled)
                    if cancelled
                        .cancellation_reasons()
                        .iter()
                        .any(crate::store::item::lost_race) =>
                {
                    Err(ProjectionStoreError::Conflict(write.key))
                }
                other => Err(backend(other)),
            },
            Err(e) => Err(backend(e)),
        }
    }

    async fn query(&self, query: IndexQuery<'_>) -> Result<IndexPage, ProjectionStoreError> {
        let IndexQuery {
            index,
            partition,
            after,
            limit,
        } = query;
        let (pk_name, sk_name) = index.attributes();
        let start = after.map(|(sk, key)| {
            let mut start = key_item(&key);
            start.insert(pk_name.to_owned(), AttributeValue::S(partition.to_owned()));
            start.insert(sk_name.to_owned(), AttributeValue::S(sk));
            start
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name())
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", pk_name)
            .expression_attribute_values(":p", AttributeValue::S(partition.to_owned()))
            .limit(limit.clamp(1, 1000) as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(backend)?;
        let more = output.last_evaluated_key.is_some_and(|k| !k.is_empty());
        let mut items = Vec::new();
        for item in output.items.unwrap_or_default() {
            let (Some(pk), Some(sk), Some(ipk), Some(isk)) = (
                string(&item, "PK"),
                string(&item, "SK"),
                string(&item, pk_name),
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
}

impl DynamoProjectionStore {
    /// Deletes every item, so a rebuild starts from nothing. Returns how many were deleted.
    pub async fn clear(&self) -> Result<usize, ProjectionStoreError> {
        use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
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
            let keys: Vec<_> = page.items.unwrap_or_default();
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
    use crate::store::item::{key_element, string_attribute};
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
