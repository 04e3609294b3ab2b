//! Keyset pagination over projection indexes, with opaque cursors.
//!
//! A whole-table list is spread over [`LIST_SHARDS`] partitions; a page queries each one from
//! its own position and merges them in index order, so every item is returned exactly once
//! across pages however many are inserted meanwhile (an item inserted behind a cursor is not
//! seen by that walk; nothing is seen twice).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::{
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

#[derive(Serialize, Deserialize)]
struct Cursor {
    /// The partitions walked, so a cursor is never replayed against another list.
    list: String,
    positions: Vec<Position>,
}

fn encode(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode(text: &str, list: &str, partitions: usize) -> Result<Cursor, ProjectionStoreError> {
    let bad = |why: &str| ProjectionStoreError::BadCursor(why.to_owned());
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| bad("not a cursor this API issued"))?;
    let cursor: Cursor =
        serde_json::from_slice(&bytes).map_err(|_| bad("not a cursor this API issued"))?;
    if cursor.list != list || cursor.positions.len() != partitions {
        return Err(bad("the cursor belongs to another query"));
    }
    Ok(cursor)
}

/// One page of `partitions` merged in (index sort key, PK) order.
pub async fn page(
    store: &dyn ProjectionStore,
    index: Index,
    partitions: &[String],
    limit: usize,
    cursor: Option<&str>,
) -> Result<Page, ProjectionStoreError> {
    let list = format!("{}:{}", index.name(), partitions.join(","));
    let mut positions = match cursor {
        Some(text) => decode(text, &list, partitions.len())?.positions,
        None => vec![Position::Start; partitions.len()],
    };
    let limit = limit.clamp(1, MAX_LIMIT);
    let mut candidates = Vec::new();
    let mut more = vec![false; partitions.len()];
    for (i, partition) in partitions.iter().enumerate() {
        let after = match &positions[i] {
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
            })
            .await?;
        more[i] = page.more;
        for (key, entry, view) in page.items {
            candidates.push((entry.sk, key, view, i));
        }
    }
    candidates.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut taken_per_partition = vec![0usize; partitions.len()];
    let mut returned_per_partition = vec![0usize; partitions.len()];
    for candidate in &candidates {
        returned_per_partition[candidate.3] += 1;
    }
    candidates.truncate(limit);
    let mut items = Vec::with_capacity(candidates.len());
    for (sk, key, view, i) in candidates {
        taken_per_partition[i] += 1;
        positions[i] = Position::After {
            sk,
            pk: key.pk.clone(),
            key_sk: key.sk.clone(),
        };
        items.push((key, view));
    }
    for i in 0..partitions.len() {
        // Everything the partition holds after its position was returned and taken.
        if !more[i] && taken_per_partition[i] == returned_per_partition[i] {
            positions[i] = Position::Done;
        }
    }
    let next_cursor = positions
        .iter()
        .any(|p| *p != Position::Done)
        .then(|| encode(&Cursor { list, positions }));
    Ok(Page { items, next_cursor })
}

/// The partitions of a whole-table list.
pub fn list_partitions(list: &str) -> Vec<String> {
    (0..LIST_SHARDS)
        .map(|shard| format!("{list}#{shard}"))
        .collect()
}
