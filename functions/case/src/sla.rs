//! A case's SLA clocks: a fold of its own events (the terms they copied from the policy, its
//! outbound interactions, its status changes in the order of their business time), evaluated
//! at any instant. The same events give the same clocks, so a case as of a past instant has
//! the clocks it had then.
//!
//! - First response: from `openedAt`, fulfilled by the first outbound interaction; never paused.
//! - Resolution: from `openedAt`, stopped while `pending`, `on_hold` (paused) or `solved`,
//!   fulfilled when solved or closed, running again when reopened.
//!
//! `dueAt` = start + target + stopped time, counting business time only when the terms name
//! business hours ([`contracts::business_time`]).

use contracts::sla_stream::Terms;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::CaseStatus;
use contracts::business_time::{self as calendar, Calendar, Stop};

/// One of a case's two clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Metric {
    FirstResponse,
    Resolution,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::FirstResponse => "firstResponse",
            Metric::Resolution => "resolution",
        }
    }
}

/// A breach record-sla-breaches wrote on a case: the clock, and the due instant it passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedBreach {
    pub metric: Metric,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

/// How a clock stands in the SLA report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Neither met nor breached yet (or never due: solved unanswered before its due time).
    #[default]
    Pending,
    Met,
    Breached,
}

/// A status a case entered at a business time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub status: CaseStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Clocks {
    pub terms: Terms,
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_response_at: Option<OffsetDateTime>,
    /// Every status the case entered, by business time (its opening first).
    pub transitions: Vec<Transition>,
}

impl Clocks {
    pub fn new(terms: Terms, opened_at: OffsetDateTime) -> Self {
        Self {
            terms,
            first_response_at: None,
            transitions: vec![Transition {
                at: opened_at,
                status: CaseStatus::Open,
            }],
        }
    }

    /// An outbound interaction at `at`: the first one answers the customer.
    pub fn responded(&mut self, at: OffsetDateTime) {
        if self.first_response_at.is_none_or(|first| at < first) {
            self.first_response_at = Some(at);
        }
    }

    /// The case entered `status` at `at`: kept in business-time order (a later record of an
    /// earlier time takes its place in the timeline).
    pub fn entered(&mut self, status: CaseStatus, at: OffsetDateTime) {
        let position = self.transitions.partition_point(|t| t.at <= at);
        self.transitions.insert(position, Transition { at, status });
    }

    fn start(&self) -> OffsetDateTime {
        self.transitions
            .first()
            .map_or(OffsetDateTime::UNIX_EPOCH, |t| t.at)
    }

    /// When the case was last solved or closed, if it is now.
    fn finished_at(&self) -> Option<OffsetDateTime> {
        self.resolution().1
    }

    /// The resolution clock's stops (the last one open while paused) and when it was
    /// fulfilled.
    fn resolution(&self) -> (Vec<Stop>, Option<OffsetDateTime>) {
        let mut stops = Vec::new();
        let mut stopped_since: Option<OffsetDateTime> = None;
        let mut fulfilled = None;
        for transition in &self.transitions {
            match transition.status {
                CaseStatus::Open => {
                    if let Some(since) = stopped_since.take() {
                        stops.push((since, Some(transition.at)));
                    }
                    fulfilled = None;
                }
                // Paused; after a solve, still stopped since the solve.
                CaseStatus::Pending | CaseStatus::OnHold => {
                    fulfilled = None;
                    stopped_since.get_or_insert(transition.at);
                }
                CaseStatus::Solved | CaseStatus::Closed => {
                    if fulfilled.is_none() {
                        if let Some(since) = stopped_since.take() {
                            stops.push((since, Some(transition.at)));
                        }
                        fulfilled = Some(transition.at);
                        stopped_since = Some(transition.at);
                    }
                }
            }
        }
        if fulfilled.is_none() {
            if let Some(since) = stopped_since {
                stops.push((since, None));
            }
        }
        (stops, fulfilled)
    }

    /// The due instant of each clock that is still running (neither fulfilled nor paused):
    /// what the due queue lists. It depends on the events alone, never on the time read.
    pub fn running_dues(&self) -> [(Metric, Option<OffsetDateTime>); 2] {
        let answer = self.at(self.start());
        [
            (
                Metric::FirstResponse,
                answer
                    .first_response
                    .due_at
                    .filter(|_| answer.first_response.running),
            ),
            (
                Metric::Resolution,
                answer
                    .resolution
                    .due_at
                    .filter(|_| answer.resolution.running),
            ),
        ]
    }

    fn calendar(&self) -> Option<Calendar> {
        self.terms
            .business_hours
            .as_ref()
            .and_then(|hours| Calendar::new(hours).ok())
    }

    /// The latest business time the clocks know of.
    fn latest(&self) -> OffsetDateTime {
        let last = self.transitions.last().map_or(self.start(), |t| t.at);
        self.first_response_at.map_or(last, |first| first.max(last))
    }

    /// How each clock stands from the case's events alone, as the SLA report counts it: a
    /// fulfilled clock met or breached its due instant; a paused one breached if it was due
    /// before the pause; a running one is breached once a breach of its due instant (or a later
    /// one) is recorded, since only time passes between its events and that record.
    pub fn outcomes(&self, recorded: &[RecordedBreach]) -> [(Metric, Outcome); 2] {
        let answer = self.at(self.latest() + time::Duration::SECOND);
        let outcome = |metric: Metric,
                       running: bool,
                       due: Option<OffsetDateTime>,
                       fulfilled: bool,
                       breached: bool| {
            let recorded_past = |due: OffsetDateTime| {
                recorded
                    .iter()
                    .any(|r| r.metric == metric && r.due_at >= due)
            };
            let outcome = if running {
                if due.is_some_and(recorded_past) {
                    Outcome::Breached
                } else {
                    Outcome::Pending
                }
            } else if breached {
                Outcome::Breached
            } else if fulfilled {
                Outcome::Met
            } else {
                Outcome::Pending
            };
            (metric, outcome)
        };
        let first = &answer.first_response;
        let resolution = &answer.resolution;
        [
            outcome(
                Metric::FirstResponse,
                first.running,
                first.due_at,
                first.fulfilled_at.is_some(),
                first.breached,
            ),
            outcome(
                Metric::Resolution,
                resolution.running,
                resolution.due_at,
                resolution.fulfilled_at.is_some(),
                resolution.breached,
            ),
        ]
    }

    /// From the opening to the first response, counted as the targets are (business time
    /// only, where the terms name business hours).
    pub fn first_response_seconds(&self) -> Option<i64> {
        let first = self.first_response_at?;
        let calendar = self.calendar();
        Some(calendar::business_seconds(
            calendar.as_ref(),
            self.start(),
            first,
            &[],
        ))
    }

    /// Both clocks as they stand at `now`.
    pub fn at(&self, now: OffsetDateTime) -> SlaAnswer {
        let calendar = self.calendar();
        let calendar = calendar.as_ref();
        let start = self.start();
        let seconds = |minutes: u32| i64::from(minutes) * 60;

        let first_due = calendar::due(
            calendar,
            start,
            seconds(self.terms.targets.first_response_minutes),
            &[],
        );
        // Unanswered, it runs until the case is solved or closed.
        let first_end = self
            .first_response_at
            .or_else(|| self.finished_at())
            .unwrap_or(now);
        let first_response = FirstResponse {
            target_minutes: self.terms.targets.first_response_minutes,
            due_at: first_due,
            fulfilled_at: self.first_response_at,
            breached: first_due.is_some_and(|due| first_end.min(now) > due),
            running: self.first_response_at.is_none() && self.finished_at().is_none(),
        };

        let (stops, fulfilled) = self.resolution();
        let paused = stops.last().is_some_and(|(_, until)| until.is_none());
        // With the open stop: a due time before the pause means it was breached before.
        let reached = calendar::due(
            calendar,
            start,
            seconds(self.terms.targets.resolution_minutes),
            &stops,
        );
        let end = fulfilled.unwrap_or(now).min(now);
        let paused_seconds: i64 = stops
            .iter()
            .map(|(from, until)| {
                let until = until.unwrap_or(now).min(now).max(*from);
                calendar::business_seconds(calendar, *from, until, &[])
            })
            .sum();
        let resolution = Resolution {
            target_minutes: self.terms.targets.resolution_minutes,
            due_at: if paused { None } else { reached },
            fulfilled_at: fulfilled,
            paused,
            paused_minutes: paused_seconds / 60,
            breached: reached.is_some_and(|due| end > due),
            running: fulfilled.is_none() && !paused,
        };
        SlaAnswer {
            first_response,
            resolution,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstResponse {
    pub target_minutes: u32,
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub fulfilled_at: Option<OffsetDateTime>,
    pub breached: bool,
    /// Still counting (unanswered, and the case not solved or closed): what the due queue lists.
    #[serde(skip)]
    pub running: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub target_minutes: u32,
    /// Null while paused.
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub fulfilled_at: Option<OffsetDateTime>,
    pub paused: bool,
    pub paused_minutes: i64,
    pub breached: bool,
    #[serde(skip)]
    pub running: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaAnswer {
    pub first_response: FirstResponse,
    pub resolution: Resolution,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::case::{Case, CaseEvent, Direction};
    use crate::fixtures::{interaction, opened, status, OPENED_AT};
    use event_sourcing::Aggregate;
    use proptest::prelude::*;
    use time::Duration;

    fn clocks(events: &[CaseEvent]) -> Clocks {
        Case::from_events(events)
            .existing("s1")
            .unwrap()
            .clocks
            .clone()
    }

    fn hours(n: i64) -> OffsetDateTime {
        OPENED_AT + Duration::hours(n)
    }

    #[test]
    fn given_an_unanswered_case_then_the_first_response_breaches_after_its_target() {
        let open = clocks(&[opened()]);
        let before = open.at(hours(7));
        assert_eq!(before.first_response.due_at, Some(hours(8)));
        assert!(!before.first_response.breached);
        assert!(open.at(hours(9)).first_response.breached);
        let answered = clocks(&[opened(), interaction(Direction::Outbound, hours(9))]);
        let late = answered.at(hours(20)).first_response;
        assert_eq!((late.fulfilled_at, late.breached), (Some(hours(9)), true));
        let inbound_only = clocks(&[opened(), interaction(Direction::Inbound, hours(1))]);
        assert_eq!(inbound_only.at(hours(2)).first_response.fulfilled_at, None);
    }

    #[test]
    fn given_a_pending_case_then_the_resolution_clock_pauses_and_its_due_time_moves_on() {
        let paused = clocks(&[
            opened(),
            status(CaseStatus::Pending, CaseStatus::Open, hours(10)),
        ]);
        let answer = paused.at(hours(30)).resolution;
        assert_eq!(
            (
                answer.paused,
                answer.due_at,
                answer.paused_minutes,
                answer.breached
            ),
            (true, None, 20 * 60, false)
        );
        let resumed = clocks(&[
            opened(),
            status(CaseStatus::Pending, CaseStatus::Open, hours(10)),
            status(CaseStatus::Open, CaseStatus::Pending, hours(30)),
        ]);
        let answer = resumed.at(hours(31)).resolution;
        assert_eq!(
            (answer.paused, answer.due_at),
            (false, Some(hours(48 + 20)))
        );
    }

    #[test]
    fn given_a_solved_case_then_resolution_is_fulfilled_and_reopening_runs_it_again() {
        let solved = clocks(&[
            opened(),
            status(CaseStatus::Solved, CaseStatus::Open, hours(50)),
        ]);
        let answer = solved.at(hours(60)).resolution;
        assert_eq!(
            (answer.fulfilled_at, answer.breached),
            (Some(hours(50)), true)
        );
        let reopened = clocks(&[
            opened(),
            status(CaseStatus::Solved, CaseStatus::Open, hours(40)),
            status(CaseStatus::Open, CaseStatus::Solved, hours(45)),
        ]);
        let answer = reopened.at(hours(46)).resolution;
        assert_eq!(answer.fulfilled_at, None);
        assert_eq!(
            answer.due_at,
            Some(hours(48 + 5)),
            "the solved hours are not counted"
        );
    }

    #[test]
    fn a_clock_already_past_due_when_paused_stays_breached() {
        let late = clocks(&[
            opened(),
            status(CaseStatus::OnHold, CaseStatus::Open, hours(50)),
        ]);
        let answer = late.at(hours(60)).resolution;
        assert_eq!((answer.paused, answer.breached), (true, true));
    }

    /// A random life of a case: statuses at increasing times, outbound messages between.
    fn life() -> impl Strategy<Value = Vec<CaseEvent>> {
        let step = (1i64..20, 0usize..5, any::<bool>());
        proptest::collection::vec(step, 0..12).prop_map(|steps| {
            let mut events = vec![opened()];
            let mut at = 0;
            let mut current = CaseStatus::Open;
            for (gap, pick, outbound) in steps {
                at += gap;
                if outbound {
                    events.push(interaction(Direction::Outbound, hours(at)));
                }
                let next = [
                    CaseStatus::Open,
                    CaseStatus::Pending,
                    CaseStatus::OnHold,
                    CaseStatus::Solved,
                    CaseStatus::Open,
                ][pick];
                if next != current {
                    events.push(status(next, current, hours(at)));
                    current = next;
                }
            }
            events
        })
    }

    proptest! {
        /// While paused the clock does not run; a pause never brings the due time earlier.
        #[test]
        fn the_resolution_clock_never_runs_while_paused_and_pauses_never_bring_it_forward(
            events in life(), extra in 1i64..500,
        ) {
            let state = clocks(&events);
            let now = state.transitions.last().unwrap().at + Duration::hours(extra);
            let answer = state.at(now).resolution;
            if answer.paused {
                let later = state.at(now + Duration::hours(24)).resolution;
                prop_assert_eq!(later.paused_minutes, answer.paused_minutes + 24 * 60);
                prop_assert!(later.due_at.is_none());
            }
            // Every prefix's due time is never after the full life's: pausing only delays.
            let mut previous: Option<OffsetDateTime> = None;
            for length in 1..=events.len() {
                let prefix = clocks(&events[..length]);
                let due = prefix.running_dues()[1].1;
                if let (Some(before), Some(after)) = (previous, due) {
                    let running = prefix.at(now).resolution.running;
                    if running {
                        prop_assert!(after >= before, "{:?} then {:?}", before, after);
                    }
                }
                if due.is_some() {
                    previous = due;
                }
            }
        }
    }
}
