//! list-open-cases: `GET /api/cases/open?clientId=...` (a client's open cases) and
//! `GET /api/cases/open` (all open cases), oldest first, cursor-paginated, from a projection.

#[cfg(feature = "lambda")]
mod http;

use contracts::client_summary::{summary_key, OPEN_CASE_COUNT};
use contracts::streams::CLIENT;
use event_sourcing::projection::{list_partition, CounterDelta, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::CaseEvent;

pub const LIST: &str = "openCases";

pub fn client_partition(client_id: &str) -> String {
    format!("{CLIENT}#{client_id}#openCases")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub case_id: String,
    pub client_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    pub status: CaseStatus,
    pub interaction_count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseSummary {
    fn is_open(view: Option<&Self>) -> bool {
        view.is_some_and(|v| v.status == CaseStatus::Open)
    }

    /// Oldest first; the id breaks ties.
    fn order(&self) -> String {
        format!(
            "{}#{}",
            event_sourcing::envelope::rfc3339(self.opened_at),
            self.case_id
        )
    }
}

impl View for CaseSummary {
    type Event = CaseEvent;
    const NAME: &'static str = "summary";
    const SOURCE: &'static str = contracts::streams::CASE;

    /// Every event is named, so a new one does not compile until this view decides on it.
    fn apply(view: Option<Self>, event: &CaseEvent) -> Option<Self> {
        match event {
            CaseEvent::CaseCreated(created) => Some(Self {
                case_id: created.case_id.clone(),
                client_id: created.client_id.clone(),
                description: created.description.clone(),
                opened_at: created.opened_at,
                status: CaseStatus::Open,
                interaction_count: 0,
            }),
            CaseEvent::InteractionAdded(_) => view.map(|view| Self {
                interaction_count: view.interaction_count + 1,
                ..view
            }),
            CaseEvent::CaseClosed(_) => view.map(|view| Self {
                status: CaseStatus::Closed,
                ..view
            }),
            CaseEvent::TaskAttached(_) => view,
        }
    }

    /// Open cases only: closing a case takes it out of both indexes.
    fn index(&self) -> Vec<IndexEntry> {
        if self.status != CaseStatus::Open {
            return Vec::new();
        }
        vec![
            IndexEntry {
                index: Index::Lookup,
                pk: client_partition(&self.client_id),
                sk: self.order(),
            },
            IndexEntry {
                index: Index::List,
                pk: list_partition(LIST, &self.case_id),
                sk: self.order(),
            },
        ]
    }

    /// The client's open-case count moves when a case opens or closes, in the same write.
    fn counters(before: Option<&Self>, after: Option<&Self>) -> Vec<CounterDelta> {
        let delta = i64::from(Self::is_open(after)) - i64::from(Self::is_open(before));
        match (delta, after.or(before)) {
            (0, _) | (_, None) => Vec::new(),
            (delta, Some(case)) => vec![CounterDelta::new(
                summary_key(&case.client_id),
                OPEN_CASE_COUNT,
                delta,
            )],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{closed, opened};
    use event_sourcing::projection::ItemKey;
    use time::macros::datetime;

    #[test]
    fn opening_and_closing_moves_the_clients_count_and_the_indexes() {
        let open = CaseSummary::apply(None, &opened());
        let counters = CaseSummary::counters(None, open.as_ref());
        assert_eq!(counters[0].delta, 1);
        assert_eq!(counters[0].key, ItemKey::new("client#k1", "summary"));
        let index = open.as_ref().unwrap().index();
        assert_eq!(index[0].pk, "client#k1#openCases");
        assert_eq!(index[0].sk, "2026-01-01T09:00:00Z#s1");

        let closed = CaseSummary::apply(open.clone(), &closed(datetime!(2026-01-02 09:00 UTC)));
        assert_eq!(
            CaseSummary::counters(open.as_ref(), closed.as_ref())[0].delta,
            -1
        );
        assert!(closed.unwrap().index().is_empty());
    }
}
