//! The key store on DynamoDB: one item per person in a table of its own, apart from the events
//! (no stream, no backups: a destroyed key must not come back from either).

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use crypto_shredding::{DataKey, KeyState, KeyStore};
use event_sourcing::store::{StoreError, Written};

use crate::DynamoTable;

/// Marks the [`DynamoTable`] of data keys: `PK` = the person's stream (`contact#<id>`), `key`
/// (32 bytes) while live, `erasedAt` once destroyed.
#[derive(Clone, Copy, Debug)]
pub struct Keys;

/// The key store on DynamoDB.
pub type DynamoKeyStore = DynamoTable<Keys>;

const PK: &str = "PK";
const KEY: &str = "key";
const ERASED_AT: &str = "erasedAt";

type Item = HashMap<String, AttributeValue>;

fn unavailable<E: std::error::Error + 'static>(err: E) -> StoreError {
    let reason = DisplayErrorContext(&err).to_string();
    tracing::error!(error = %reason, "key store request failed");
    StoreError::Unavailable {
        reason,
        written: Written::Nothing,
    }
}

fn state_of(item: &Item) -> Result<Option<(String, KeyState)>, StoreError> {
    let Some(AttributeValue::S(subject)) = item.get(PK) else {
        return Ok(None);
    };
    let state = match (item.get(KEY), item.get(ERASED_AT)) {
        (_, Some(_)) => KeyState::Erased,
        (Some(AttributeValue::B(bytes)), None) => {
            KeyState::Live(DataKey::from_bytes(bytes.as_ref().try_into().map_err(
                |_| StoreError::Corrupt(format!("data key of {subject} is not 32 bytes")),
            )?))
        }
        _ => {
            return Err(StoreError::Corrupt(format!(
                "key item of {subject} holds no key"
            )))
        }
    };
    Ok(Some((subject.clone(), state)))
}

impl DynamoKeyStore {
    async fn read(&self, subject: &str) -> Result<Option<KeyState>, StoreError> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(subject.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?
            .item;
        Ok(match item {
            Some(item) => state_of(&item)?.map(|(_, state)| state),
            None => None,
        })
    }
}

#[async_trait]
impl KeyStore for DynamoKeyStore {
    async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError> {
        match self.read(subject).await? {
            Some(KeyState::Live(key)) => return Ok(key),
            Some(KeyState::Erased) => return Err(StoreError::Erased(subject.to_owned())),
            None => {}
        }
        let key = DataKey::generate();
        let created = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(PK, AttributeValue::S(subject.to_owned()))
            .item(KEY, AttributeValue::B(key.bytes().to_vec().into()))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .send()
            .await;
        match created {
            Ok(_) => Ok(key),
            // Another writer made it first (or erased it): theirs stands.
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                match self.read(subject).await? {
                    Some(KeyState::Live(key)) => Ok(key),
                    _ => Err(StoreError::Erased(subject.to_owned())),
                }
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError> {
        let mut unique: Vec<&String> = subjects.iter().collect();
        unique.sort();
        unique.dedup();
        let keys = unique
            .into_iter()
            .map(|s| Item::from([(PK.to_owned(), AttributeValue::S(s.clone()))]))
            .collect();
        let items = crate::item::batch_get_consistent(&self.client, &self.table, keys)
            .await
            .map_err(unavailable)?;
        let mut found = HashMap::new();
        for item in &items {
            if let Some((subject, state)) = state_of(item)? {
                found.insert(subject, state);
            }
        }
        Ok(found)
    }

    async fn destroy(&self, subject: &str) -> Result<(), StoreError> {
        // Overwrites the whole item: the key bytes are gone from the table in this write.
        self.client
            .put_item()
            .table_name(&self.table)
            .item(PK, AttributeValue::S(subject.to_owned()))
            .item(
                ERASED_AT,
                AttributeValue::S(event_sourcing::envelope::rfc3339(
                    time::OffsetDateTime::now_utc(),
                )),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

/// Creates the key table as `template.yaml` defines it (local stack and tests).
pub async fn create_key_store_table(client: &Client, table: &str) -> Result<(), StoreError> {
    use crate::item::{key_element, string_attribute};
    use aws_sdk_dynamodb::types::{BillingMode, KeyType};
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(PK).map_err(unavailable)?)
        .key_schema(key_element(PK, KeyType::Hash).map_err(unavailable)?)
        .send()
        .await;
    match created {
        Ok(_) => Ok(()),
        Err(SdkError::ServiceError(e)) if e.err().is_resource_in_use_exception() => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}
