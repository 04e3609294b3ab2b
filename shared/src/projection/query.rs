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
    let positions = match cursor {
        Some(text) => decode(text, &list, partitions.len())?.positions,
        None => vec![Position::Start; partitions.len()],
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
        .then(|| encode(&Cursor { list, positions }));
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
