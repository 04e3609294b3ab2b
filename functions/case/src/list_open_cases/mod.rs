//! list-open-cases: `GET /api/cases/open?clientId=...` (a client's open cases),
//! `GET /api/cases/open?assigneeId=...` (an assignee's) and `GET /api/cases/open` (all),
//! oldest first, cursor-paginated, from a projection. A case is in the queue while someone has
//! work on it: open, pending or on hold. Solving or closing it takes it out (and out of its
//! client's `openCaseCount`); reopening puts it back.

#[cfg(feature = "lambda")]
mod http;

use contracts::client_summary::{summary_key, OPEN_CASE_COUNT};
use contracts::streams::CLIENT;
use event_sourcing::projection::{list_partition, CounterDelta, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{CaseEvent, CaseStatus, Priority};

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
    /// Items written before priorities existed read as normal and unassigned, as their
    /// cases' events do.
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub assignee_id: Option<String>,
}

impl CaseSummary {
    fn is_open(view: Option<&Self>) -> bool {
        view.is_some_and(|v| v.status.is_active())
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
                priority: created.priority,
                assignee_id: created.assignee_id.clone(),
            }),
            CaseEvent::InteractionAdded(_) => view.map(|view| Self {
                interaction_count: view.interaction_count + 1,
                ..view
            }),
            CaseEvent::CaseClosed(_) => view.map(|view| Self {
                status: CaseStatus::Closed,
                ..view
            }),
            CaseEvent::CaseStatusChanged(changed) => view.map(|view| Self {
                status: changed.status,
                ..view
            }),
            CaseEvent::CaseDescriptionChanged(changed) => view.map(|view| Self {
                description: changed.description.clone(),
                ..view
            }),
            CaseEvent::CasePriorityChanged(changed) => view.map(|view| Self {
                priority: changed.priority,
                ..view
            }),
            CaseEvent::CaseAssigned(assigned) => view.map(|view| Self {
                assignee_id: assigned.assignee_id.clone(),
                ..view
            }),
            CaseEvent::TaskAttached(_) | CaseEvent::SlaBreached(_) => view,
        }
    }

    /// Cases in the queue only: solving or closing a case takes it out of both indexes.
    fn index(&self) -> Vec<IndexEntry> {
        if !self.status.is_active() {
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

/// An assignee's queue: the same summary, indexed by its assignee while it is in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssigneeQueue(pub CaseSummary);

/// The partition of one assignee's queue.
pub fn assignee_partition(assignee_id: &str) -> String {
    format!("cases#open#assignee#{assignee_id}")
}

impl View for AssigneeQueue {
    type Event = CaseEvent;
    const NAME: &'static str = "open-by-assignee";
    const SOURCE: &'static str = contracts::streams::CASE;

    fn apply(view: Option<Self>, event: &CaseEvent) -> Option<Self> {
        CaseSummary::apply(view.map(|v| v.0), event).map(AssigneeQueue)
    }

    fn index(&self) -> Vec<IndexEntry> {
        match &self.0.assignee_id {
            Some(assignee) if self.0.status.is_active() => vec![IndexEntry {
                index: Index::Lookup,
                pk: assignee_partition(assignee),
                sk: self.0.order(),
            }],
            _ => Vec::new(),
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

    #[test]
    fn solving_takes_a_case_out_of_the_queue_and_the_count_and_reopening_puts_it_back() {
        use crate::edit_case::CaseAssigned;
        use crate::fixtures::{status, OPENED_AT};
        use time::Duration;
        let assigned = CaseEvent::CaseAssigned(CaseAssigned {
            case_id: "s1".into(),
            assignee_id: Some("agent-1".into()),
            previous_assignee_id: None,
        });
        let open = [opened(), assigned].iter().fold(None, AssigneeQueue::apply);
        assert_eq!(
            open.as_ref().unwrap().index()[0].pk,
            "cases#open#assignee#agent-1"
        );
        let pending = AssigneeQueue::apply(
            open.clone(),
            &status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(1),
            ),
        );
        assert_eq!(
            pending.as_ref().unwrap().index().len(),
            1,
            "waiting is still work"
        );
        let solved = AssigneeQueue::apply(
            pending.clone(),
            &status(
                CaseStatus::Solved,
                CaseStatus::Pending,
                OPENED_AT + Duration::hours(2),
            ),
        );
        assert!(solved.as_ref().unwrap().index().is_empty());
        let (before, after) = (pending.map(|v| v.0), solved.clone().map(|v| v.0));
        assert_eq!(
            CaseSummary::counters(before.as_ref(), after.as_ref())[0].delta,
            -1
        );
        let reopened = AssigneeQueue::apply(
            solved.clone(),
            &status(
                CaseStatus::Open,
                CaseStatus::Solved,
                OPENED_AT + Duration::hours(3),
            ),
        );
        let (before, after) = (solved.map(|v| v.0), reopened.map(|v| v.0));
        assert_eq!(
            CaseSummary::counters(before.as_ref(), after.as_ref())[0].delta,
            1
        );
    }
}
