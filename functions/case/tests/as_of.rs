//! A case as of an instant is the fold of the events recorded by then, its clocks read at that
//! instant: property-tested over random lives (statuses, answers, breaches recorded), each
//! event recorded at its own business time, read through `GET /api/cases/{id}?asOf=`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use case::case::{CaseStatus, Direction};
use case::fixtures::{interaction, opened, status, OPENED_AT};
use case::record_sla_breaches::{decide as record, RecordSlaBreaches};
use case::representation::case_response;
use case::{Case, CaseEvent};
use event_sourcing::testing::recorded;
use event_sourcing::{Aggregate, EventEnvelope, EventStore};
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use proptest::prelude::*;
use time::{Duration, OffsetDateTime};

/// One step of a life, an hour or more after the one before.
#[derive(Clone, Debug)]
enum Step {
    Answer,
    Inbound,
    Status(CaseStatus),
    /// The schedule's job runs.
    Record,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Answer),
        Just(Step::Inbound),
        Just(Step::Record),
        prop::sample::select(vec![
            CaseStatus::Open,
            CaseStatus::Pending,
            CaseStatus::OnHold,
            CaseStatus::Solved,
        ])
        .prop_map(Step::Status),
    ]
}

/// The events of a life, each with the instant it is recorded at (its business time).
fn life(steps: &[(i64, Step)]) -> Vec<(CaseEvent, OffsetDateTime)> {
    let mut events = vec![(opened(), OPENED_AT)];
    let mut state = Case::from_events(&[opened()]);
    let mut at = OPENED_AT;
    for (gap, step) in steps {
        at += Duration::minutes(*gap);
        let current = match &state {
            Case::Open(case) => case.status,
            _ => break,
        };
        let new: Vec<CaseEvent> = match step {
            Step::Answer => vec![interaction(Direction::Outbound, at)],
            Step::Inbound => vec![interaction(Direction::Inbound, at)],
            Step::Status(next) if *next != current => vec![status(*next, current, at)],
            Step::Status(_) => vec![],
            Step::Record => record(&state, RecordSlaBreaches { now: at }).unwrap(),
        };
        for event in new {
            state = state.evolve(&event);
            events.push((event, at));
        }
    }
    events
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_case_as_of_an_instant_is_the_fold_of_what_was_recorded_by_then(
        steps in proptest::collection::vec((30i64..1500, step()), 1..16),
        pick in any::<prop::sample::Index>(),
        past in 0i64..600,
    ) {
        let events = life(&steps);
        // Any instant from the opening to ten hours after the last event.
        let last = events.last().unwrap().1;
        let span = (last - OPENED_AT).whole_minutes() + past;
        let instant = OPENED_AT + Duration::minutes(pick.index(span as usize + 1) as i64);
        let by_then: Vec<CaseEvent> = events
            .iter()
            .filter(|(_, at)| *at <= instant)
            .map(|(event, _)| event.clone())
            .collect();
        let expected = body_json(
            &case_response(
                lambda_http::http::StatusCode::OK,
                &Case::from_events(&by_then),
                "s1",
                by_then.len() as u64,
                instant,
            )
            .unwrap(),
        );

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = runtime.block_on(async {
            let api = TestApi::in_memory([case::registry()]);
            let envelopes: Vec<EventEnvelope> = events
                .iter()
                .enumerate()
                .map(|(i, (event, at))| recorded("case", "s1", i as u64 + 1, event, *at))
                .collect();
            api.store.append(&envelopes).await.unwrap();
            let stamp = event_sourcing::envelope::rfc3339(instant);
            let response = api.call("GET", &format!("/api/cases/s1?asOf={stamp}"), None).await;
            assert_eq!(response.status(), 200);
            body_json(&response)
        });
        prop_assert_eq!(answer, expected);
    }
}
