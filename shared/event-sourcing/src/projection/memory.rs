//! In-memory projection store with the DynamoDB adapter's semantics.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{
    Index, IndexEntry, IndexPage, IndexQuery, ItemKey, ProjectionStore, ProjectionStoreError,
    StoredView, ViewWrite,
};

#[derive(Clone, Debug, Default)]
struct Item {
    stored: StoredView,
    index: HashMap<Index, IndexEntry>,
}

#[derive(Default)]
pub struct InMemoryProjectionStore {
    items: Mutex<BTreeMap<ItemKey, Item>>,
    writes: Mutex<usize>,
}

impl InMemoryProjectionStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every item's view and version, for comparing projections.
    pub fn snapshot(&self) -> BTreeMap<ItemKey, StoredView> {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items
            .iter()
            .map(|(k, v)| (k.clone(), v.stored.clone()))
            .collect()
    }

    /// How many successful writes (transactions) were made.
    pub fn writes(&self) -> usize {
        *self.writes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl ProjectionStore for InMemoryProjectionStore {
    async fn get(&self, key: &ItemKey) -> Result<StoredView, ProjectionStoreError> {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        Ok(items.get(key).map(|i| i.stored.clone()).unwrap_or_default())
    }

    async fn get_many(
        &self,
        keys: &[ItemKey],
    ) -> Result<HashMap<ItemKey, StoredView>, ProjectionStoreError> {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        Ok(keys
            .iter()
            .map(|key| {
                let stored = items.get(key).map(|i| i.stored.clone()).unwrap_or_default();
                (key.clone(), stored)
            })
            .collect())
    }

    async fn write(&self, write: ViewWrite) -> Result<(), ProjectionStoreError> {
        // As a DynamoDB transaction: the view item and each counter item, at most 100.
        let mut touched: Vec<&ItemKey> = write.counters.iter().map(|c| &c.key).collect();
        touched.sort();
        touched.dedup();
        if touched.len() + 1 > super::consumer::MAX_ITEMS_PER_WRITE {
            return Err(ProjectionStoreError::Backend(format!(
                "a write touches {} items; a transaction holds at most {}",
                touched.len() + 1,
                super::consumer::MAX_ITEMS_PER_WRITE
            )));
        }
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        let current = items.get(&write.key).map_or(0, |i| i.stored.source_version);
        if current != write.expected_version {
            return Err(ProjectionStoreError::Conflict(write.key));
        }
        let item = items.entry(write.key.clone()).or_default();
        item.stored.view = write.view;
        item.stored.source_version = write.new_version;
        item.index = write.index.into_iter().map(|e| (e.index, e)).collect();
        for delta in write.counters {
            let target = items.entry(delta.key).or_default();
            *target.stored.counters.entry(delta.counter).or_default() += delta.delta;
            if let Some(entry) = delta.index {
                target.index.insert(entry.index, entry);
            }
        }
        *self.writes.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Ok(())
    }

    async fn query(&self, query: IndexQuery<'_>) -> Result<IndexPage, ProjectionStoreError> {
        let items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        let mut matching: Vec<(String, ItemKey, IndexEntry, StoredView)> = items
            .iter()
            .filter_map(|(key, item)| {
                let entry = item.index.get(&query.index)?;
                (entry.pk == query.partition).then(|| {
                    (
                        entry.sk.clone(),
                        key.clone(),
                        entry.clone(),
                        item.stored.clone(),
                    )
                })
            })
            .filter(|(sk, key, _, _)| {
                query
                    .after
                    .as_ref()
                    .is_none_or(|(after_sk, after_key)| (sk, key) > (after_sk, after_key))
                    && query.from.as_ref().is_none_or(|from| sk >= from)
                    && query.to.as_ref().is_none_or(|to| sk <= to)
            })
            .collect();
        matching.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let more = matching.len() > query.limit;
        matching.truncate(query.limit);
        Ok(IndexPage {
            items: matching
                .into_iter()
                .map(|(_, key, entry, stored)| (key, entry, stored))
                .collect(),
            more,
        })
    }

    /// One generation: a rebuild here is a new store.
    async fn consumer_targets(
        self: Arc<Self>,
    ) -> Result<Vec<Arc<dyn ProjectionStore>>, ProjectionStoreError> {
        Ok(vec![self])
    }
}
