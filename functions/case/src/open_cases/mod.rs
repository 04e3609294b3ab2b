//! open-cases: `GET /api/cases/open?clientId=...` (a client's open cases) and
//! `GET /api/cases/open` (all open cases), oldest first, cursor-paginated, from a projection.

mod http;

use client::list_clients::{OPEN_CASE_COUNT, SUMMARY};
use contact::links::CLIENT_AGGREGATE_TYPE;
pub use http::handle;
use serde::{Deserialize, Serialize};
use shared::projection::{list_partition, CounterDelta, Index, IndexEntry, ItemKey, View};
use time::OffsetDateTime;

use crate::case::{CaseEvent, AGGREGATE_TYPE};

pub const LIST: &str = "openCases";

pub fn client_partition(client_id: &str) -> String {
    format!("{CLIENT_AGGREGATE_TYPE}#{client_id}#openCases")
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
            shared::envelope::rfc3339(self.opened_at),
            self.case_id
        )
    }
}

impl View for CaseSummary {
    type Event = CaseEvent;
    const NAME: &'static str = "summary";
    const SOURCE: &'static str = AGGREGATE_TYPE;

    fn apply(view: Option<Self>, event: &CaseEvent) -> Option<Self> {
        match (view, event) {
            (_, CaseEvent::CaseCreated(created)) => Some(Self {
                case_id: created.case_id.clone(),
                client_id: created.client_id.clone(),
                description: created.description.clone(),
                opened_at: created.opened_at,
                status: CaseStatus::Open,
                interaction_count: 0,
            }),
            (Some(view), CaseEvent::InteractionAdded(_)) => Some(Self {
                interaction_count: view.interaction_count + 1,
                ..view
            }),
            (Some(view), CaseEvent::CaseClosed(_)) => Some(Self {
                status: CaseStatus::Closed,
                ..view
            }),
            (view, _) => view,
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
            (delta, Some(case)) => vec![CounterDelta {
                key: ItemKey::new(
                    format!("{CLIENT_AGGREGATE_TYPE}#{}", case.client_id),
                    SUMMARY,
                ),
                counter: OPEN_CASE_COUNT,
                delta,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::close_case::CaseClosed;
    use crate::create_case::CaseCreated;
    use time::macros::datetime;

    #[test]
    fn opening_and_closing_moves_the_clients_count_and_the_indexes() {
        let opened = CaseSummary::apply(
            None,
            &CaseEvent::CaseCreated(CaseCreated {
                case_id: "s1".into(),
                client_id: "k1".into(),
                description: "x".into(),
                opened_at: datetime!(2026-01-01 09:00 UTC),
            }),
        );
        let counters = CaseSummary::counters(None, opened.as_ref());
        assert_eq!(counters[0].delta, 1);
        assert_eq!(counters[0].key, ItemKey::new("client#k1", "summary"));
        let index = opened.as_ref().unwrap().index();
        assert_eq!(index[0].pk, "client#k1#openCases");
        assert_eq!(index[0].sk, "2026-01-01T09:00:00Z#s1");

        let closed = CaseSummary::apply(
            opened.clone(),
            &CaseEvent::CaseClosed(CaseClosed {
                case_id: "s1".into(),
                closed_at: datetime!(2026-01-02 09:00 UTC),
                resolution: None,
            }),
        );
        assert_eq!(
            CaseSummary::counters(opened.as_ref(), closed.as_ref())[0].delta,
            -1
        );
        assert!(closed.unwrap().index().is_empty());
    }
}
