//! Keyset pagination over projection indexes, with opaque cursors.
//!
//! A whole-table list is spread over [`LIST_SHARDS`] partitions; a page queries each one from
//! its own position and merges them in index order, so every item is returned exactly once
//! across pages however many are inserted meanwhile (an item inserted behind a cursor is not
//! seen by that walk; nothing is seen twice).
//!
//! A cursor holds index keys, and index keys hold names and email addresses. So a cursor is
//! sealed (ChaCha20-Poly1305 with a key of the deployment's): opaque, carrying no readable
//! personal data into URLs and logs, and tamper-evident (a forged or edited one is a 400).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use event_sourcing::projection::{
    Index, IndexQuery, ItemKey, ProjectionStore, ProjectionStoreError, StoredView, LIST_SHARDS,
};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub items: Vec<(ItemKey, StoredView)>,
    pub next_cursor: Option<String>,
}

/// Where one partition's walk stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Position {
    Start,
    After {
        sk: String,
        pk: String,
        key_sk: String,
    },
    Done,
}

/// A walk through a list: each partition's position, and the upper bound of its sort keys
/// chosen by its first page (an "overdue" list keeps the instant it began at, so the walk is
/// one consistent list however long it takes). Cursors written before bounds existed hold the
/// positions alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum Walk {
    Bounded {
        positions: Vec<Position>,
        to: Option<String>,
    },
    Unbounded(Vec<Position>),
}

impl Walk {
    fn positions(&self) -> &[Position] {
        match self {
            Walk::Bounded { positions, .. } | Walk::Unbounded(positions) => positions,
        }
    }
}

/// The key cursors are sealed with.
#[derive(Clone)]
pub struct CursorKey(ChaCha20Poly1305);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

const NONCE_BYTES: usize = 12;

impl CursorKey {
    /// A key derived from a secret of any length (the deployment's `CURSOR_SECRET`).
    pub fn from_secret(secret: &[u8]) -> Self {
        let key = Sha256::new()
            .chain_update(b"eventcrm cursor key v1\0")
            .chain_update(secret)
            .finalize();
        Self(ChaCha20Poly1305::new(&key))
    }

    /// A key of this process alone: its cursors mean nothing to another instance.
    pub fn random() -> Self {
        Self(ChaCha20Poly1305::new(&ChaCha20Poly1305::generate_key(
            &mut OsRng,
        )))
    }

    /// From `CURSOR_SECRET`; without it, a key of this process (tests, one-process stacks),
    /// said loudly since a deployment's instances must share one.
    pub fn from_env() -> Self {
        match std::env::var("CURSOR_SECRET") {
            Ok(secret) if !secret.is_empty() => Self::from_secret(secret.as_bytes()),
            _ => {
                tracing::warn!(
                    "CURSOR_SECRET is not set: list cursors work only within this instance"
                );
                Self::random()
            }
        }
    }

    /// `value` sealed for the query `bound` names: opaque, and good for that query alone.
    pub fn seal_value(&self, value: &serde_json::Value, bound: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let plain = serde_json::to_vec(&serde_json::json!({ "bound": bound, "value": value }))
            .unwrap_or_default();
        match self.0.encrypt(&nonce, plain.as_slice()) {
            Ok(sealed) => URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat()),
            // Encryption fails only beyond 256 GiB of plaintext.
            Err(_) => String::new(),
        }
    }

    /// The value sealed in `text` for `bound`; `None` for anything else (edited, forged,
    /// another deployment's, another query's).
    pub fn open_value(&self, text: &str, bound: &str) -> Option<serde_json::Value> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        if bytes.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let plain = self.0.decrypt(Nonce::from_slice(nonce), sealed).ok()?;
        let mut opened: serde_json::Value = serde_json::from_slice(&plain).ok()?;
        if opened.get("bound")?.as_str()? != bound {
            return None;
        }
        opened.get_mut("value").map(serde_json::Value::take)
    }

    /// Each partition's position, sealed for the list (index and partitions) they walk, so
    /// a cursor is never replayed against another list.
    fn seal_walk(&self, walk: &Walk, list: &str) -> String {
        self.seal_value(&serde_json::to_value(walk).unwrap_or_default(), list)
    }

    fn open_walk(
        &self,
        text: &str,
        list: &str,
        partitions: usize,
    ) -> Result<Walk, ProjectionStoreError> {
        self.open_value(text, list)
            .and_then(|value| serde_json::from_value::<Walk>(value).ok())
            .filter(|walk| walk.positions().len() == partitions)
            .ok_or_else(|| ProjectionStoreError::BadCursor("not a cursor of this query".into()))
    }
}

/// One page of `partitions` merged in (index sort key, PK) order, each sort key at most `to`
/// (the bound of the walk's first page: a cursor keeps it).
pub async fn page(
    store: &dyn ProjectionStore,
    index: Index,
    partitions: &[String],
    to: Option<String>,
    limit: usize,
    cursor: Option<&str>,
    key: &CursorKey,
) -> Result<Page, ProjectionStoreError> {
    let list = format!("{}:{}", index.name(), partitions.join(","));
    let (positions, to) = match cursor {
        Some(text) => match key.open_walk(text, &list, partitions.len())? {
            Walk::Bounded { positions, to } => (positions, to),
            Walk::Unbounded(positions) => (positions, None),
        },
        None => (vec![Position::Start; partitions.len()], to),
    };
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut states: Vec<PartitionRead> = positions.into_iter().map(PartitionRead::at).collect();
    let mut candidates = Vec::new();
    for (i, (partition, state)) in partitions.iter().zip(states.iter_mut()).enumerate() {
        let after = match &state.position {
            Position::Done => continue,
            Position::Start => None,
            Position::After { sk, pk, key_sk } => Some((sk.clone(), ItemKey::new(pk, key_sk))),
        };
        let page = store
            .query(IndexQuery {
                index,
                partition,
                after,
                limit,
                from: None,
                to: to.clone(),
            })
            .await?;
        state.more = page.more;
        state.returned = page.items.len();
        for (key, entry, view) in page.items {
            candidates.push((entry.sk, key, view, i));
        }
    }
    candidates.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    candidates.truncate(limit);
    let mut items = Vec::with_capacity(candidates.len());
    for (sk, key, view, i) in candidates {
        if let Some(state) = states.get_mut(i) {
            state.taken += 1;
            state.position = Position::After {
                sk,
                pk: key.pk.clone(),
                key_sk: key.sk.clone(),
            };
        }
        items.push((key, view));
    }
    let positions: Vec<Position> = states.into_iter().map(PartitionRead::finish).collect();
    let next_cursor = positions
        .iter()
        .any(|p| *p != Position::Done)
        .then(|| key.seal_walk(&Walk::Bounded { positions, to }, &list));
    Ok(Page { items, next_cursor })
}

/// One partition's part in a page: where it stood, and what this page read and took of it.
struct PartitionRead {
    position: Position,
    more: bool,
    returned: usize,
    taken: usize,
}

impl PartitionRead {
    fn at(position: Position) -> Self {
        Self {
            position,
            more: false,
            returned: 0,
            taken: 0,
        }
    }

    /// Done once everything it holds after its position was returned and taken.
    fn finish(self) -> Position {
        if !self.more && self.taken == self.returned {
            Position::Done
        } else {
            self.position
        }
    }
}

/// The partitions of a whole-table list.
pub fn list_partitions(list: &str) -> Vec<String> {
    (0..LIST_SHARDS)
        .map(|shard| format!("{list}#{shard}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use event_sourcing::projection::{InMemoryProjectionStore, IndexEntry, ViewWrite};

    /// Items `a`..`e` in one partition, sorted by their letter.
    async fn letters() -> InMemoryProjectionStore {
        let store = InMemoryProjectionStore::new();
        for letter in ["a", "b", "c", "d", "e"] {
            store
                .write(ViewWrite {
                    key: ItemKey::new(format!("item#{letter}"), "view"),
                    expected_version: 0,
                    new_version: 1,
                    view: Some(serde_json::json!(letter)),
                    index: vec![IndexEntry {
                        index: Index::List,
                        pk: "letters".into(),
                        sk: letter.into(),
                    }],
                    counters: Vec::new(),
                })
                .await
                .unwrap();
        }
        store
    }

    async fn walk(
        store: &InMemoryProjectionStore,
        first: Option<&str>,
        later: Option<&str>,
    ) -> Vec<String> {
        let key = CursorKey::random();
        let partitions = ["letters".to_owned()];
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            // The first page chooses the bound; a later page's own is ignored.
            let to = if cursor.is_none() { first } else { later };
            let page = page(
                store,
                Index::List,
                &partitions,
                to.map(str::to_owned),
                2,
                cursor.as_deref(),
                &key,
            )
            .await
            .unwrap();
            seen.extend(
                page.items
                    .iter()
                    .map(|(_, v)| v.view.clone().unwrap().as_str().unwrap().to_owned()),
            );
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return seen,
            }
        }
    }

    #[tokio::test]
    async fn a_walk_keeps_the_upper_bound_its_first_page_chose() {
        let store = letters().await;
        assert_eq!(walk(&store, None, None).await, ["a", "b", "c", "d", "e"]);
        assert_eq!(walk(&store, Some("c"), None).await, ["a", "b", "c"]);
        assert_eq!(walk(&store, Some("c"), Some("e")).await, ["a", "b", "c"]);
    }

    #[test]
    fn a_cursor_written_before_bounds_still_opens() {
        let key = CursorKey::random();
        let positions = vec![Position::Start];
        let legacy = key.seal_value(&serde_json::to_value(&positions).unwrap(), "L");
        assert_eq!(
            key.open_walk(&legacy, "L", 1).unwrap(),
            Walk::Unbounded(positions)
        );
        assert!(key.open_walk(&legacy, "other list", 1).is_err());
    }
}
