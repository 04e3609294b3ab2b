//! record-sla-breaches: a scheduled job (every minute on AWS, every few seconds on the local
//! stack) that records `SlaBreached` on each case whose running clock passed its due instant.
//!
//! A case's events decide everything about its clocks but one thing: that time went by with
//! nothing happening. That fact is recorded here, once per clock and due instant, so the SLA
//! report counts an unanswered case as breached (from the events alone, so exactly for any
//! replay), and subscribers can learn of the breach. The job reads the cases to record from
//! the SLA standing's index ([`crate::get_sla_report::TO_RECORD`]), in which a case sits by
//! the earliest due instant not yet recorded: each run costs what became due since the last.

#[cfg(feature = "lambda")]
mod job;

#[cfg(feature = "lambda")]
pub use job::run;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::{Case, CaseError, CaseEvent};
use crate::sla::{Metric, RecordedBreach};

/// The scheduled function's name (its binary, its trace source).
pub const FUNCTION: &str = "record-sla-breaches";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSlaBreaches {
    pub now: OffsetDateTime,
}

/// A running clock passed its due instant, with nothing on the case meeting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaBreached {
    pub case_id: String,
    pub metric: Metric,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

/// The due instants of a case's running clocks that no recorded breach covers (a breach
/// recorded at a due instant covers every earlier one of that clock), soonest first.
pub fn unrecorded_dues(case: &crate::CaseDetails) -> Vec<RecordedBreach> {
    let mut dues: Vec<RecordedBreach> = case
        .clocks
        .running_dues()
        .into_iter()
        .filter_map(|(metric, due)| {
            Some(RecordedBreach {
                metric,
                due_at: due?,
            })
        })
        .filter(|due| {
            !case
                .recorded_breaches
                .iter()
                .any(|r| r.metric == due.metric && r.due_at >= due.due_at)
        })
        .collect();
    dues.sort_by_key(|due| due.due_at);
    dues
}

/// Nothing to record is no refusal: the job may read a case whose clock moved meanwhile.
pub fn decide(state: &Case, command: RecordSlaBreaches) -> Result<Vec<CaseEvent>, CaseError> {
    let Case::Open(case) = state else {
        return Ok(Vec::new());
    };
    Ok(unrecorded_dues(case)
        .into_iter()
        .filter(|due| due.due_at < command.now)
        .map(|due| {
            CaseEvent::SlaBreached(SlaBreached {
                case_id: case.case_id.clone(),
                metric: due.metric,
                due_at: due.due_at,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseStatus, Direction};
    use crate::fixtures::{closed, interaction, opened, status, OPENED_AT, PRINTER_FIRE};
    use event_sourcing::testing::given;
    use time::Duration;

    fn breached(metric: Metric, due_at: OffsetDateTime) -> CaseEvent {
        CaseEvent::SlaBreached(SlaBreached {
            case_id: PRINTER_FIRE.into(),
            metric,
            due_at,
        })
    }

    fn at(hours: i64) -> RecordSlaBreaches {
        RecordSlaBreaches {
            now: OPENED_AT + Duration::hours(hours),
        }
    }

    // The fixture case is due a first response 8 hours after its opening, a resolution 48.
    const FIRST_DUE: Duration = Duration::hours(8);
    const RESOLUTION_DUE: Duration = Duration::hours(48);

    #[test]
    fn given_running_clocks_when_not_yet_due_then_nothing_is_recorded() {
        given::<Case>([opened()])
            .when(|state| decide(state, at(8)))
            .then([]);
    }

    #[test]
    fn given_an_unanswered_case_when_past_its_first_response_due_then_that_breach_is_recorded() {
        given::<Case>([opened()])
            .when(|state| decide(state, at(9)))
            .then([breached(Metric::FirstResponse, OPENED_AT + FIRST_DUE)]);
    }

    #[test]
    fn given_a_recorded_breach_when_run_again_then_nothing_more_is_recorded() {
        given::<Case>([
            opened(),
            breached(Metric::FirstResponse, OPENED_AT + FIRST_DUE),
        ])
        .when(|state| decide(state, at(10)))
        .then([]);
    }

    #[test]
    fn given_both_clocks_past_due_when_run_then_both_are_recorded_in_one_append() {
        given::<Case>([opened()])
            .when(|state| decide(state, at(49)))
            .then([
                breached(Metric::FirstResponse, OPENED_AT + FIRST_DUE),
                breached(Metric::Resolution, OPENED_AT + RESOLUTION_DUE),
            ]);
    }

    #[test]
    fn given_an_answered_and_paused_case_when_past_due_then_nothing_is_recorded() {
        let answered = interaction(Direction::Outbound, OPENED_AT + Duration::hours(1));
        let paused = status(
            CaseStatus::Pending,
            CaseStatus::Open,
            OPENED_AT + Duration::hours(2),
        );
        given::<Case>([opened(), answered, paused])
            .when(|state| decide(state, at(60)))
            .then([]);
    }

    #[test]
    fn given_a_pause_before_the_due_instant_when_run_then_the_due_instant_is_later_by_the_pause() {
        let history = [
            opened(),
            interaction(Direction::Outbound, OPENED_AT + Duration::hours(1)),
            status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(10),
            ),
            status(
                CaseStatus::Open,
                CaseStatus::Pending,
                OPENED_AT + Duration::hours(20),
            ),
        ];
        // Ten hours paused: due 58 hours after the opening.
        given::<Case>(history.clone())
            .when(|state| decide(state, at(57)))
            .then([]);
        given::<Case>(history)
            .when(|state| decide(state, at(59)))
            .then([breached(
                Metric::Resolution,
                OPENED_AT + Duration::hours(58),
            )]);
    }

    #[test]
    fn given_a_recorded_breach_when_paused_and_resumed_after_it_then_it_stays_the_one_breach() {
        let history = [
            opened(),
            interaction(Direction::Outbound, OPENED_AT + Duration::hours(1)),
            breached(Metric::Resolution, OPENED_AT + RESOLUTION_DUE),
            status(
                CaseStatus::Pending,
                CaseStatus::Open,
                OPENED_AT + Duration::hours(50),
            ),
            status(
                CaseStatus::Open,
                CaseStatus::Pending,
                OPENED_AT + Duration::hours(60),
            ),
        ];
        // A pause after the due instant does not move it: the breach happened.
        given::<Case>(history)
            .when(|state| decide(state, at(100)))
            .then([]);
    }

    #[test]
    fn given_a_closed_case_when_run_then_nothing_is_recorded() {
        given::<Case>([opened(), closed(OPENED_AT + Duration::hours(30))])
            .when(|state| decide(state, at(100)))
            .then([]);
    }
}
