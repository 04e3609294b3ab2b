#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::sync::Arc;

use event_sourcing::projection::{
    Consumer, InMemoryProjectionStore, IncomingRecord, Index, IndexQuery, ProjectionStore,
};
use event_sourcing::store::InMemoryEventStore;
use event_sourcing::{Aggregate, EventEnvelope};
use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::change_stage::StageChanged;
use crate::close_opportunity::{OpportunityLost, OpportunityWon};
use crate::create_opportunity::OpportunityCreated;
use crate::edit_opportunity::AmountChanged;
use crate::opportunity::{Opportunity, OpportunityEvent};
use crate::reopen_opportunity::OpportunityReopened;

const START: OffsetDateTime = datetime!(2026-12-31 23:59:58.900 UTC);

fn envelope(id: &str, version: u64, event: &OpportunityEvent, at: OffsetDateTime) -> EventEnvelope {
    event_sourcing::testing::recorded("opportunity", id, version, event, at)
}

/// One step of an opportunity's life, as a test script gives it.
#[derive(Clone, Debug)]
enum Step {
    Move(usize),
    Win,
    Lose,
    Reopen,
    Amount(i64),
}

const OPEN: [&str; 2] = ["qualify", "propose"];

/// The events a script makes, for opportunity `id`, each at its time (steps that make no
/// sense in the state they meet are skipped, as the API would refuse them).
fn life(id: &str, currency: &str, amount: i64, steps: &[(Step, i64)]) -> Vec<EventEnvelope> {
    let currency = crate::money::Currency::parse(currency).unwrap();
    let money = |minor| from_minor_units(minor, currency);
    let mut at = START;
    let created = OpportunityEvent::OpportunityCreated(OpportunityCreated {
        opportunity_id: id.into(),
        name: "Deal".into(),
        client_id: "k1".into(),
        pipeline_id: "p1".into(),
        stage_id: "qualify".into(),
        money: money(amount),
        close_date: time::macros::date!(2027 - 01 - 15),
        owner_id: "u1".into(),
        next_step: None,
        created_at: at,
    });
    let mut state = Opportunity::NotCreated.evolve(&created);
    let mut events = vec![envelope(id, 1, &created, at)];
    for (step, gap) in steps {
        at += Duration::milliseconds(*gap);
        let details = state.existing(id).unwrap().clone();
        let open = details.status == crate::opportunity::Status::Open;
        let event = match step {
            Step::Move(to) if open && details.stage_id != OPEN[*to] => {
                OpportunityEvent::StageChanged(StageChanged {
                    opportunity_id: id.into(),
                    stage_id: OPEN[*to].into(),
                    previous_stage_id: details.stage_id.clone(),
                    at,
                })
            }
            Step::Win if open => OpportunityEvent::OpportunityWon(OpportunityWon {
                opportunity_id: id.into(),
                stage_id: "won".into(),
                previous_stage_id: details.stage_id.clone(),
                closed_at: at,
            }),
            Step::Lose if open => OpportunityEvent::OpportunityLost(OpportunityLost {
                opportunity_id: id.into(),
                stage_id: "lost".into(),
                previous_stage_id: details.stage_id.clone(),
                reason: "No".into(),
                closed_at: at,
            }),
            Step::Reopen if !open => OpportunityEvent::OpportunityReopened(OpportunityReopened {
                opportunity_id: id.into(),
                stage_id: details.stage_before_close.clone().unwrap(),
                previous_stage_id: details.stage_id.clone(),
                at,
            }),
            Step::Amount(minor) if open => OpportunityEvent::AmountChanged(AmountChanged {
                opportunity_id: id.into(),
                money: money(*minor),
                previous_amount: details.money.amount_text(),
                previous_currency: details.money.currency.code(),
            }),
            _ => continue,
        };
        state = state.evolve(&event);
        events.push(envelope(id, events.len() as u64 + 1, &event, at));
    }
    events
}

/// The summary at `at`, straight from the events: each opportunity folded up to `at`, as
/// reading it as of `at` does (up to its first event recorded after `at`).
fn summary_from_events(lives: &[Vec<EventEnvelope>], at: OffsetDateTime) -> BTreeMap<String, i64> {
    let mut counters = BTreeMap::new();
    for life in lives {
        let known: Vec<OpportunityEvent> = life
            .iter()
            .take_while(|e| {
                OffsetDateTime::parse(
                    &e.occurred_at,
                    &time::format_description::well_known::Rfc3339,
                )
                .unwrap()
                    <= at
            })
            .map(|e| e.decode().unwrap())
            .collect();
        if let Opportunity::Active(details) = Opportunity::from_events(&known) {
            for (name, value) in summary_counters(&details) {
                *counters.entry(name).or_default() += value;
            }
        }
    }
    counters.retain(|_, v| *v != 0);
    counters
}

/// The stream consumer's engine with the figures alone, on in-memory read models.
fn figures_consumer() -> (Arc<InMemoryProjectionStore>, Consumer) {
    let views = Arc::new(InMemoryProjectionStore::new());
    let consumer = Consumer::new(
        vec![Arc::new(PipelineFigures)],
        views.clone(),
        Arc::new(InMemoryEventStore::new()),
    );
    (views, consumer)
}

/// The summary at `at`, as the slice reads it: the prefix of the time buckets.
async fn summary_from_buckets(
    views: &InMemoryProjectionStore,
    at: OffsetDateTime,
) -> BTreeMap<String, i64> {
    let mut counters = BTreeMap::new();
    for (partition, to) in prefix_queries("p1", at) {
        let page = views
            .query(IndexQuery {
                index: Index::Lookup,
                partition: &partition,
                after: None,
                limit: 10_000,
                from: None,
                to: Some(to),
            })
            .await
            .unwrap();
        assert!(!page.more);
        let items: Vec<_> = page.items.iter().map(|(_, _, s)| &s.counters).collect();
        counters = sum(std::iter::once(&counters).chain(items));
    }
    counters.retain(|_, v| *v != 0);
    counters
}

fn step() -> impl Strategy<Value = (Step, i64)> {
    let step = prop_oneof![
        (0usize..2).prop_map(Step::Move),
        Just(Step::Win),
        Just(Step::Lose),
        Just(Step::Reopen),
        (0i64..10_000_000).prop_map(Step::Amount),
    ];
    // Gaps from a millisecond to a day: events cross every bucket boundary, some share one;
    // and now and then a clock behind the previous event's (another Lambda's).
    (
        step,
        prop_oneof![0i64..3, 1i64..2_000, 1i64..86_400_000, -2_000i64..0],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The summary as of any instant, read from the buckets, equals the summary computed at
    /// that instant from the events, whatever order the consumer met the streams in.
    #[test]
    fn the_summary_as_of_any_instant_is_the_events_summary_then(
        scripts in proptest::collection::vec(
            (prop_oneof![Just("EUR"), Just("JPY")], 0i64..10_000_000, proptest::collection::vec(step(), 0..8)),
            1..6,
        ),
        order in proptest::collection::vec(any::<u32>(), 40),
    ) {
        let lives: Vec<Vec<EventEnvelope>> = scripts
            .iter()
            .enumerate()
            .map(|(i, (currency, amount, steps))| life(&format!("o{i}"), currency, *amount, steps))
            .collect();
        // Interleave the streams in an arbitrary order, each stream's events in order, in
        // batches of arbitrary sizes.
        let mut queues: Vec<std::collections::VecDeque<EventEnvelope>> =
            lives.iter().map(|l| l.iter().cloned().collect()).collect();
        let mut records = Vec::new();
        let mut pick = order.iter().cycle();
        while queues.iter().any(|q| !q.is_empty()) {
            let live: Vec<usize> = (0..queues.len()).filter(|i| !queues[*i].is_empty()).collect();
            let i = live[*pick.next().unwrap() as usize % live.len()];
            let event = queues[i].pop_front().unwrap();
            records.push(IncomingRecord { sequence_number: records.len().to_string(), event: Ok(event) });
        }
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let (views, consumer) = figures_consumer();
            for (n, batch) in records.chunks(3).enumerate() {
                let report = consumer.process(batch.to_vec()).await;
                prop_assert!(report.failed.is_empty(), "batch {n}: {report:?}");
            }
            let mut instants: Vec<OffsetDateTime> = lives
                .iter()
                .flatten()
                .map(|e| OffsetDateTime::parse(&e.occurred_at, &time::format_description::well_known::Rfc3339).unwrap())
                .flat_map(|t| [t - Duration::milliseconds(1), t, t + Duration::microseconds(300)])
                .collect();
            instants.push(START - Duration::days(400));
            instants.push(START + Duration::days(4000));
            for at in instants {
                prop_assert_eq!(
                    summary_from_buckets(&views, at).await,
                    summary_from_events(&lives, at),
                    "as of {}", at
                );
            }
            Ok(())
        })?;
    }
}

#[test]
fn an_instant_falls_in_seven_buckets_and_its_prefix_in_seven_queries() {
    let at = datetime!(2027-03-01 00:00:05.042 UTC);
    let buckets = buckets("p1", at);
    assert_eq!(
        buckets[6],
        (
            "figures#p1#L6#20270301000005".to_owned(),
            "042".to_owned(),
            "L6#20270301000005042".to_owned()
        )
    );
    // Nothing lies before this instant within its day, hour or minute: those levels drop out.
    assert_eq!(
        prefix_queries("p1", at),
        [
            ("figures#p1#L0#".to_owned(), "2026".to_owned()),
            ("figures#p1#L1#2027".to_owned(), "02".to_owned()),
            ("figures#p1#L5#202703010000".to_owned(), "04".to_owned()),
            ("figures#p1#L6#20270301000005".to_owned(), "042".to_owned()),
        ]
    );
}

/// A busy opportunity's batch moves more bucket items than one transaction holds: the consumer
/// writes it in steps (the in-memory store refuses a write of over 100 items, as DynamoDB does).
#[test]
fn a_batch_moving_more_items_than_a_transaction_holds_is_written_in_steps() {
    let steps: Vec<(Step, i64)> = (0..80usize)
        .map(|i| (Step::Move((i + 1) % 2), 1_001 + (i % 7) as i64))
        .collect();
    let lives = vec![life("o1", "EUR", 500, &steps)];
    let records: Vec<IncomingRecord> = lives[0]
        .iter()
        .enumerate()
        .map(|(i, event)| IncomingRecord {
            sequence_number: i.to_string(),
            event: Ok(event.clone()),
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (views, consumer) = figures_consumer();
        let report = consumer.process(records).await;
        assert!(report.failed.is_empty(), "{report:?}");
        assert!(report.writes >= 1);
        for event in lives[0].iter().step_by(9) {
            let at = OffsetDateTime::parse(
                &event.occurred_at,
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap();
            assert_eq!(
                summary_from_buckets(&views, at).await,
                summary_from_events(&lives, at)
            );
        }
    });
}
