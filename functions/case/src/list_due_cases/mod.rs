//! list-due-cases: `GET /api/cases/due[?before=<instant>][&assigneeId=]`: the running SLA
//! clocks (unanswered, or unresolved and not paused) due before `before` (default now: the
//! breached ones), soonest first, one index query per page.
//!
//! Each of a case's two clocks is a read model of its own ([`DueClock`]), indexed by its due
//! instant while it runs: `ByList` `cases#due` (everyone's), `ByLookup`
//! `cases#due#assignee#<id>`. A due instant depends on the case's events alone, so the index is
//! exact; only `breached` (due before now) is computed when read. A paused, fulfilled or
//! closed clock is in neither.

#[cfg(feature = "lambda")]
mod http;

use std::marker::PhantomData;

use event_sourcing::projection::{sortable, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::case::{CaseDetails, CaseEvent};
use crate::sla::Metric;

/// Which clock a read model follows.
pub trait Clock: Send + Sync + 'static {
    const METRIC: Metric;
    const NAME: &'static str;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstResponse;
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution;

impl Clock for FirstResponse {
    const METRIC: Metric = Metric::FirstResponse;
    const NAME: &'static str = "due-first-response";
}

impl Clock for Resolution {
    const METRIC: Metric = Metric::Resolution;
    const NAME: &'static str = "due-resolution";
}

/// Everyone's running clocks.
pub const DUE: &str = "cases#due";

/// One assignee's running clocks.
pub fn assignee_partition(assignee_id: &str) -> String {
    format!("cases#due#assignee#{assignee_id}")
}

/// The case as the due queue holds it: folded by the aggregate's own `evolve`, without its
/// interactions (their text may be a person's data; the clocks keep what they need).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent, bound = "")]
pub struct DueClock<C> {
    pub case: CaseDetails,
    #[serde(skip)]
    clock: PhantomData<C>,
}

impl<C: Clock> DueClock<C> {
    pub fn of(case: CaseDetails) -> Self {
        Self {
            case,
            clock: PhantomData,
        }
    }

    /// When this clock is due, while it runs.
    pub fn due(&self) -> Option<time::OffsetDateTime> {
        self.case
            .clocks
            .running_dues()
            .into_iter()
            .find(|(metric, _)| *metric == C::METRIC)
            .and_then(|(_, due)| due)
    }
}

impl<C: Clock> View for DueClock<C> {
    type Event = CaseEvent;
    const NAME: &'static str = C::NAME;
    const SOURCE: &'static str = contracts::streams::CASE;

    fn apply(view: Option<Self>, event: &CaseEvent) -> Option<Self> {
        CaseDetails::fold_for_view(view.map(|v| v.case), event).map(Self::of)
    }

    fn index(&self) -> Vec<IndexEntry> {
        let Some(due) = self.due() else {
            return Vec::new();
        };
        let sk = format!("{}#{}", sortable(due), self.case.case_id);
        let mut entries = vec![IndexEntry {
            index: Index::List,
            pk: DUE.to_owned(),
            sk: sk.clone(),
        }];
        if let Some(assignee) = &self.case.assignee_id {
            entries.push(IndexEntry {
                index: Index::Lookup,
                pk: assignee_partition(assignee),
                sk,
            });
        }
        entries
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::case::{CaseStatus, Direction};
    use crate::fixtures::{interaction, opened, status, OPENED_AT};
    use time::Duration;

    fn fold<C: Clock>(events: &[CaseEvent]) -> Option<DueClock<C>> {
        events.iter().fold(None, DueClock::<C>::apply)
    }

    #[test]
    fn a_clock_is_listed_by_its_due_time_while_it_runs_and_not_while_paused_or_fulfilled() {
        let opened_events = [opened()];
        let first = fold::<FirstResponse>(&opened_events).unwrap();
        assert_eq!(
            first.index()[0].sk,
            "2026-01-01T17:00:00.000000000Z#s1",
            "8 hours after the opening"
        );
        let resolution = fold::<Resolution>(&opened_events).unwrap();
        assert_eq!(
            resolution.index()[0].sk,
            "2026-01-03T09:00:00.000000000Z#s1"
        );

        let answered = [
            opened(),
            interaction(Direction::Outbound, OPENED_AT + Duration::hours(1)),
        ];
        assert!(fold::<FirstResponse>(&answered).unwrap().index().is_empty());

        let paused = [
            opened(),
            status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(2),
            ),
        ];
        assert!(fold::<Resolution>(&paused).unwrap().index().is_empty());
        let resumed = [
            opened(),
            status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(2),
            ),
            status(
                CaseStatus::Open,
                CaseStatus::Pending,
                OPENED_AT + Duration::hours(5),
            ),
        ];
        assert_eq!(
            fold::<Resolution>(&resumed).unwrap().index()[0].sk,
            "2026-01-03T12:00:00.000000000Z#s1",
            "three hours later for three hours paused"
        );
    }
}
