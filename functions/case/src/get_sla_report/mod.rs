//! get-sla-report: `GET /api/reports/sla?from=<date>&to=<date>[&timeZone=<IANA>]`: for the
//! cases opened in those days (both included, local days of `timeZone`, UTC by default), per
//! priority: how many opened, first responses and resolutions met and breached, and the
//! average first response time.
//!
//! Each case has one read model, its [`SlaStanding`]: the case as its events fold it, whose
//! counters move the totals of the hour it was opened in (one counter item per hour and
//! only for hours that have cases, indexed by the hour). A report is one index query per
//! 1,000 hours of its range, however many cases there are. Outcomes come from events alone
//! (see [`crate::sla::Clocks::outcomes`]): an unanswered case counts as breached once
//! record-sla-breaches has recorded it (within a minute of its due instant on AWS).
//!
//! The same read model sits, while a running clock has a due instant no breach covers, in
//! the index record-sla-breaches reads ([`TO_RECORD`]), sorted by that instant.

#[cfg(feature = "lambda")]
mod http;

use contracts::streams::CASE;
use event_sourcing::projection::{
    merge_counters, sortable, CounterDelta, Index, IndexEntry, ItemKey, View,
};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{CaseDetails, CaseEvent};
use crate::record_sla_breaches::unrecorded_dues;
use crate::sla::{Metric, Outcome};

/// The hours with cases, sorted by hour (`ByList`).
pub const REPORT: &str = "cases#sla-report";
/// The cases with a due instant to record once passed, sorted by it (`ByList`).
pub const TO_RECORD: &str = "cases#sla-to-record";
/// The sort key of an hour's counter item.
pub const HOUR_ITEM: &str = "totals";

/// The figures an hour's item counts for each priority, `<priority>.<figure>`.
pub const FIGURES: [&str; 7] = [
    "opened",
    "firstResponseMet",
    "firstResponseBreached",
    "resolutionMet",
    "resolutionBreached",
    // For the average: the responses, and their time in seconds (business time where the
    // terms name business hours, as the targets count it).
    "firstResponses",
    "firstResponseSeconds",
];

/// An instant's hour, as the report's index sorts it: `2026-03-01T08`.
pub fn hour_of(at: OffsetDateTime) -> String {
    sortable(at).chars().take(13).collect()
}

pub fn hour_key(hour: &str) -> ItemKey {
    ItemKey::new(format!("{REPORT}#{hour}"), HOUR_ITEM)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlaStanding {
    pub case: CaseDetails,
}

impl SlaStanding {
    /// What this case adds to its hour's figures.
    fn figures(&self) -> Vec<(String, i64)> {
        let case = &self.case;
        let priority = case.priority.name();
        let mut figures = vec![("opened", 1)];
        for (metric, outcome) in case.clocks.outcomes(&case.recorded_breaches) {
            let name = match (metric, outcome) {
                (_, Outcome::Pending) => continue,
                (Metric::FirstResponse, Outcome::Met) => "firstResponseMet",
                (Metric::FirstResponse, Outcome::Breached) => "firstResponseBreached",
                (Metric::Resolution, Outcome::Met) => "resolutionMet",
                (Metric::Resolution, Outcome::Breached) => "resolutionBreached",
            };
            figures.push((name, 1));
        }
        if let Some(seconds) = case.clocks.first_response_seconds() {
            figures.push(("firstResponses", 1));
            figures.push(("firstResponseSeconds", seconds));
        }
        figures
            .into_iter()
            .map(|(name, n)| (format!("{priority}.{name}"), n))
            .collect()
    }

    fn deltas(&self, sign: i64) -> Vec<CounterDelta> {
        let hour = hour_of(self.case.opened_at);
        self.figures()
            .into_iter()
            .map(|(name, n)| {
                CounterDelta::new(hour_key(&hour), name, sign * n).indexed(IndexEntry {
                    index: Index::List,
                    pk: REPORT.to_owned(),
                    sk: hour.clone(),
                })
            })
            .collect()
    }
}

impl View for SlaStanding {
    type Event = CaseEvent;
    const NAME: &'static str = "sla-standing";
    const SOURCE: &'static str = CASE;

    fn apply(view: Option<Self>, event: &CaseEvent) -> Option<Self> {
        CaseDetails::fold_for_view(view.map(|v| v.case), event).map(|case| Self { case })
    }

    fn index(&self) -> Vec<IndexEntry> {
        unrecorded_dues(&self.case)
            .first()
            .map(|due| IndexEntry {
                index: Index::List,
                pk: TO_RECORD.to_owned(),
                sk: format!("{}#{}", sortable(due.due_at), self.case.case_id),
            })
            .into_iter()
            .collect()
    }

    /// The case's figures leave its hour's totals as they were and join them as they are:
    /// only what changed moves.
    fn counters(before: Option<&Self>, after: Option<&Self>) -> Vec<CounterDelta> {
        let before = before.map(|b| b.deltas(-1)).unwrap_or_default();
        let after = after.map(|a| a.deltas(1)).unwrap_or_default();
        merge_counters(before.into_iter().chain(after))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use std::collections::BTreeMap;

    use super::*;
    use crate::case::{CaseStatus, Direction};
    use crate::fixtures::{closed, interaction, opened, status, OPENED_AT};
    use crate::record_sla_breaches::SlaBreached;
    use time::Duration;

    /// The hour's totals after each event, as the consumer moves them.
    fn totals(events: &[CaseEvent]) -> BTreeMap<String, i64> {
        let mut totals = BTreeMap::new();
        let mut view: Option<SlaStanding> = None;
        for event in events {
            let next = SlaStanding::apply(view.clone(), event);
            for delta in SlaStanding::counters(view.as_ref(), next.as_ref()) {
                assert_eq!(delta.key, hour_key("2026-01-01T09"));
                *totals.entry(delta.counter).or_insert(0) += delta.delta;
            }
            view = next;
        }
        totals.retain(|_, n| *n != 0);
        totals
    }

    fn expect(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs
            .iter()
            .map(|(name, n)| (format!("normal.{name}"), *n))
            .collect()
    }

    fn hours(n: i64) -> OffsetDateTime {
        OPENED_AT + Duration::hours(n)
    }

    #[test]
    fn a_case_answered_and_solved_in_time_counts_as_met_with_its_response_time() {
        let events = [
            opened(),
            interaction(Direction::Outbound, hours(2)),
            status(CaseStatus::Solved, CaseStatus::Open, hours(20)),
        ];
        assert_eq!(
            totals(&events),
            expect(&[
                ("opened", 1),
                ("firstResponseMet", 1),
                ("resolutionMet", 1),
                ("firstResponses", 1),
                ("firstResponseSeconds", 7200),
            ])
        );
    }

    #[test]
    fn a_late_answer_and_a_late_close_count_as_breached() {
        let events = [
            opened(),
            interaction(Direction::Outbound, hours(9)),
            closed(hours(50)),
        ];
        assert_eq!(
            totals(&events),
            expect(&[
                ("opened", 1),
                ("firstResponseBreached", 1),
                ("resolutionBreached", 1),
                ("firstResponses", 1),
                ("firstResponseSeconds", 9 * 3600),
            ])
        );
    }

    #[test]
    fn an_unanswered_case_is_pending_until_its_breach_is_recorded() {
        let breach = CaseEvent::SlaBreached(SlaBreached {
            case_id: "s1".into(),
            metric: Metric::FirstResponse,
            due_at: hours(8),
        });
        assert_eq!(totals(&[opened()]), expect(&[("opened", 1)]));
        assert_eq!(
            totals(&[opened(), breach]),
            expect(&[("opened", 1), ("firstResponseBreached", 1)])
        );
    }

    #[test]
    fn reopening_a_solved_case_takes_its_resolution_back_out_of_met() {
        let events = [
            opened(),
            status(CaseStatus::Solved, CaseStatus::Open, hours(3)),
            status(CaseStatus::Open, CaseStatus::Solved, hours(4)),
        ];
        assert_eq!(totals(&events), expect(&[("opened", 1)]));
    }

    #[test]
    fn a_case_waits_in_the_to_record_index_by_its_soonest_unrecorded_due_instant() {
        let view = [opened()].iter().fold(None, SlaStanding::apply).unwrap();
        assert_eq!(view.index()[0].pk, TO_RECORD);
        assert_eq!(view.index()[0].sk, format!("{}#s1", sortable(hours(8))));
        let answered = [opened(), interaction(Direction::Outbound, hours(1))];
        let view = answered.iter().fold(None, SlaStanding::apply).unwrap();
        assert_eq!(view.index()[0].sk, format!("{}#s1", sortable(hours(48))));
        let done = [
            opened(),
            interaction(Direction::Outbound, hours(1)),
            closed(hours(2)),
        ];
        let view = done.iter().fold(None, SlaStanding::apply).unwrap();
        assert!(view.index().is_empty());
    }
}
