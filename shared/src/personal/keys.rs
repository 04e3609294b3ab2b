//! Where data keys live: one item per person in a table of their own, apart from the events
//! (no stream, no backups: a destroyed key must not come back from either).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chacha20poly1305::aead::{KeyInit, OsRng};
use chacha20poly1305::ChaCha20Poly1305;

use crate::store::{StoreError, Written};
use crate::DynamoClient;

/// A person's data key: 256 bits for ChaCha20-Poly1305.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(pub(crate) [u8; 32]);

impl DataKey {
    pub fn generate() -> Self {
        Self(ChaCha20Poly1305::generate_key(&mut OsRng).into())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// What the key store holds for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyState {
    Live(DataKey),
    /// Destroyed by an erasure: what it sealed is unreadable, and no new key is made.
    Erased,
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// The person's key to seal with, made on first use; [`StoreError::Erased`] once erased.
    async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError>;

    /// The keys of these people, read strongly consistently; people with none are absent.
    async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError>;

    /// Destroys the person's key for good and leaves a tombstone; harmless when repeated.
    async fn destroy(&self, subject: &str) -> Result<(), StoreError>;
}

#[derive(Default)]
pub struct InMemoryKeyStore {
    keys: Mutex<HashMap<String, KeyState>>,
}

impl InMemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl KeyStore for InMemoryKeyStore {
    async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        match keys
            .entry(subject.to_owned())
            .or_insert_with(|| KeyState::Live(DataKey::generate()))
        {
            KeyState::Live(key) => Ok(key.clone()),
            KeyState::Erased => Err(StoreError::Erased(subject.to_owned())),
        }
    }

    async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError> {
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        Ok(subjects
            .iter()
            .filter_map(|s| keys.get(s).map(|k| (s.clone(), k.clone())))
            .collect())
    }

    async fn destroy(&self, subject: &str) -> Result<(), StoreError> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.insert(subject.to_owned(), KeyState::Erased);
        Ok(())
    }
}

/// One request's memory of the keys it read: a command that opens a person's data and seals
/// more of it reads their key once. It lives no longer than the request, so an erasure holds
/// for every later request at once, in every instance.
pub struct CachedKeyStore {
    inner: std::sync::Arc<dyn KeyStore>,
    known: Mutex<HashMap<String, KeyState>>,
}

impl CachedKeyStore {
    pub fn new(inner: std::sync::Arc<dyn KeyStore>) -> Self {
        Self {
            inner,
            known: Mutex::default(),
        }
    }

    fn cached(&self, subject: &str) -> Option<KeyState> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.get(subject).cloned()
    }

    fn remember(&self, subject: &str, state: KeyState) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.insert(subject.to_owned(), state);
    }
}

#[async_trait]
impl KeyStore for CachedKeyStore {
    async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError> {
        match self.cached(subject) {
            Some(KeyState::Live(key)) => return Ok(key),
            Some(KeyState::Erased) => return Err(StoreError::Erased(subject.to_owned())),
            None => {}
        }
        let key = self.inner.sealing_key(subject).await?;
        self.remember(subject, KeyState::Live(key.clone()));
        Ok(key)
    }

    async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for subject in subjects {
            match self.cached(subject) {
                Some(state) => {
                    found.insert(subject.clone(), state);
                }
                None => missing.push(subject.clone()),
            }
        }
        if !missing.is_empty() {
            for (subject, state) in self.inner.keys(&missing).await? {
                self.remember(&subject, state.clone());
                found.insert(subject, state);
            }
        }
        Ok(found)
    }

    async fn destroy(&self, subject: &str) -> Result<(), StoreError> {
        self.inner.destroy(subject).await?;
        self.remember(subject, KeyState::Erased);
        Ok(())
    }
}

/// The key table: `PK` = the person's stream (`contact#<id>`), `key` (32 bytes) while live,
/// `erasedAt` once destroyed.
#[derive(Clone, Debug)]
pub struct DynamoKeyStore {
    client: DynamoClient,
    table: String,
}

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
            KeyState::Live(DataKey(bytes.as_ref().try_into().map_err(|_| {
                StoreError::Corrupt(format!("data key of {subject} is not 32 bytes"))
            })?))
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
    pub fn new(client: impl Into<DynamoClient>, table: impl Into<String>) -> Self {
        Self {
            client: client.into(),
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

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
            .item(KEY, AttributeValue::B(key.0.to_vec().into()))
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
        let items = crate::store::item::batch_get_consistent(&self.client, &self.table, keys)
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
                AttributeValue::S(crate::envelope::rfc3339(time::OffsetDateTime::now_utc())),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

/// Creates the key table as `template.yaml` defines it (local stack and tests).
pub async fn create_key_store_table(client: &Client, table: &str) -> Result<(), StoreError> {
    use crate::store::item::{key_element, string_attribute};
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Counts the reads that reach the store.
    #[derive(Default)]
    struct Counting {
        inner: InMemoryKeyStore,
        reads: AtomicUsize,
    }

    #[async_trait]
    impl KeyStore for Counting {
        async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.sealing_key(subject).await
        }
        async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            self.inner.keys(subjects).await
        }
        async fn destroy(&self, subject: &str) -> Result<(), StoreError> {
            self.inner.destroy(subject).await
        }
    }

    #[tokio::test]
    async fn a_command_reads_a_key_once_and_an_erasure_is_final_at_once() {
        let store = Arc::new(Counting::default());
        let cached = CachedKeyStore::new(store.clone());
        let ada = "contact#c1".to_owned();
        let key = cached.sealing_key(&ada).await.unwrap();
        let opened = cached.keys(std::slice::from_ref(&ada)).await.unwrap();
        assert_eq!(opened[&ada], KeyState::Live(key));
        assert_eq!(
            store.reads.load(Ordering::SeqCst),
            1,
            "the second read is served from memory"
        );
        cached.destroy(&ada).await.unwrap();
        assert_eq!(
            cached.keys(std::slice::from_ref(&ada)).await.unwrap()[&ada],
            KeyState::Erased
        );
        assert!(matches!(
            cached.sealing_key(&ada).await,
            Err(StoreError::Erased(_))
        ));
    }
}
