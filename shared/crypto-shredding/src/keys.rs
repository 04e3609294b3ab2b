//! Where data keys live: one item per person in a table of their own, apart from the events
//! (no stream, no backups: a destroyed key must not come back from either).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chacha20poly1305::aead::{KeyInit, OsRng};
use chacha20poly1305::ChaCha20Poly1305;

use event_sourcing::store::StoreError;

/// A person's data key: 256 bits for ChaCha20-Poly1305.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(pub(crate) [u8; 32]);

impl DataKey {
    pub fn generate() -> Self {
        Self(ChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// A key as a key store keeps it.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
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
