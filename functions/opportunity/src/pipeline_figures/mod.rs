//! A pipeline's figures, folded by the stream consumer from its opportunities' events: the
//! summary of every stage at any past instant, the forecast by close date, and how long
//! opportunities stay in each stage.
//!
//! Each opportunity contributes numbers that follow from its state (its stage's count and
//! amount; its amount on its close date or closing day; its stays in each stage). An event
//! moves the pipeline's counters by the difference between the contribution after it and
//! before it; adds commute, so opportunities in any order, and replays, end the same.
//!
//! **The summary at any instant, in a bounded number of reads.** Each difference is added at
//! the event's time into seven buckets, one per level of its timestamp (year, month, day, hour,
//! minute, second, millisecond). The summary as of instant T is the sum of the buckets wholly
//! before T at each level under T's own buckets, plus T's millisecond: seven index queries of
//! at most 12, 31, 24, 60, 60 and 1,000 small items (the years since the first opportunity for
//! the first), however many opportunities and events the pipeline has.

mod projection;
#[cfg(feature = "lambda")]
pub mod read;

pub use projection::PipelineFigures;

use std::collections::BTreeMap;

use event_sourcing::projection::{CounterDelta, Index, IndexEntry, ItemKey};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::money::{Currency, Money};
use crate::opportunity::{OpportunityDetails, Status};

/// The projection's name: its per-opportunity items' `SK`.
pub const NAME: &str = "pipeline-figures";

/// Where a pipeline's figures live: every counter item's `PK`.
pub fn figures_pk(pipeline_id: &str) -> String {
    format!("figures#{pipeline_id}")
}

/// How long, in total, an opportunity has stayed in a stage, and whether it has left it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stay {
    /// Milliseconds of its stays that ended.
    pub millis: i64,
    pub left: bool,
}

/// An opportunity as the figures follow it: its state and its stays, timed by when each
/// event was recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracked {
    pub details: OpportunityDetails,
    pub stays: BTreeMap<String, Stay>,
    /// When it entered its current stage (its event's recording time).
    #[serde(with = "time::serde::rfc3339")]
    pub entered_at: OffsetDateTime,
    /// The time of its latest event, never earlier than the one before: an event recorded with
    /// an earlier clock (another Lambda's) counts from the later time, as reading the
    /// opportunity as of an instant does (it stops at the first event after the instant).
    #[serde(with = "time::serde::rfc3339")]
    pub last_at: OffsetDateTime,
}

/// A number an opportunity contributes, to one counter of one item.
type Contribution = BTreeMap<(ItemKey, String), (i64, Option<IndexEntry>)>;

fn add(
    into: &mut Contribution,
    key: ItemKey,
    counter: String,
    value: i64,
    index: Option<IndexEntry>,
) {
    let entry = into.entry((key, counter)).or_insert((0, index));
    entry.0 += value;
}

/// An amount in minor units (cents for EUR), exact: amounts have at most 15 digits.
pub fn minor_units(money: &Money) -> i64 {
    let mut amount = money.amount;
    amount.rescale(money.currency.fraction_digits());
    i64::try_from(amount.mantissa()).unwrap_or(i64::MAX)
}

/// Minor units back to an amount of the currency.
pub fn from_minor_units(minor: i64, currency: Currency) -> Money {
    Money {
        amount: Decimal::new(minor, currency.fraction_digits()),
        currency,
    }
}

/// The summary's counters: its stage's count (in all, and in its currency, so a stage of
/// zero amounts still shows its currency) and amount.
fn summary_counters(details: &OpportunityDetails) -> Vec<(String, i64)> {
    vec![
        (format!("count#{}", details.stage_id), 1),
        (
            format!("count#{}#{}", details.stage_id, details.money.currency),
            1,
        ),
        (
            format!("amount#{}#{}", details.stage_id, details.money.currency),
            minor_units(&details.money),
        ),
    ]
}

/// The seven buckets of an instant: (partition, sort key, item sort key), coarsest first.
pub fn buckets(pipeline_id: &str, at: OffsetDateTime) -> Vec<(String, String, String)> {
    let parts = [
        format!("{:04}", at.year()),
        format!("{:02}", u8::from(at.month())),
        format!("{:02}", at.day()),
        format!("{:02}", at.hour()),
        format!("{:02}", at.minute()),
        format!("{:02}", at.second()),
        format!("{:03}", at.millisecond()),
    ];
    (0..parts.len())
        .map(|level| {
            let parent = parts.get(..level).unwrap_or_default().join("");
            let own = parts.get(level).cloned().unwrap_or_default();
            (
                format!("{}#L{level}#{parent}", figures_pk(pipeline_id)),
                own.clone(),
                format!("L{level}#{parent}{own}"),
            )
        })
        .collect()
}

/// The partition of a pipeline's year buckets: all of them sum to the summary now.
pub fn years_partition(pipeline_id: &str) -> String {
    format!("{}#L0#", figures_pk(pipeline_id))
}

/// The index queries whose items sum to the summary as of `at`: per level, the partition
/// under `at`'s coarser buckets, and the last sort key wholly before `at` (at the finest level,
/// `at`'s own millisecond). `None` for a level with nothing before `at`.
pub fn prefix_queries(pipeline_id: &str, at: OffsetDateTime) -> Vec<(String, String)> {
    let levels = buckets(pipeline_id, at);
    let last = levels.len().saturating_sub(1);
    levels
        .into_iter()
        .enumerate()
        .filter_map(|(level, (partition, own, _))| {
            if level == last {
                return Some((partition, own));
            }
            let value: u32 = own.parse().ok()?;
            let width = own.len();
            // Months and days count from 1; the other parts from 0.
            let first = if matches!(level, 1 | 2) { 1 } else { 0 };
            value
                .checked_sub(1)
                .filter(|before| *before >= first)
                .map(|before| (partition, format!("{before:0width$}")))
        })
        .collect()
}

fn forecast_counters(details: &OpportunityDetails) -> (String, Vec<(String, i64)>) {
    let currency = details.money.currency;
    let amount = minor_units(&details.money);
    match (details.status, details.closed_at) {
        (Status::Open, _) | (_, None) => (
            crate::dates::text(details.close_date),
            vec![
                (format!("open#{}#{currency}", details.stage_id), amount),
                (format!("openCount#{currency}"), 1),
            ],
        ),
        (status, Some(closed_at)) => (
            crate::dates::text(closed_at.date()),
            vec![
                (format!("{}#{currency}", status.name()), amount),
                (format!("{}Count#{currency}", status.name()), 1),
            ],
        ),
    }
}

/// The partition of a pipeline's days (or of one owner's days in it).
pub fn days_partition(pipeline_id: &str, owner_id: Option<&str>) -> String {
    match owner_id {
        Some(owner) => format!("{}#owner#{owner}#days", figures_pk(pipeline_id)),
        None => format!("{}#days", figures_pk(pipeline_id)),
    }
}

/// The velocity item of a pipeline.
pub fn velocity_key(pipeline_id: &str) -> ItemKey {
    ItemKey::new(figures_pk(pipeline_id), "velocity")
}

fn velocity_counters(tracked: &Tracked) -> Vec<(String, i64)> {
    let closed = tracked.details.status != Status::Open;
    let won = tracked.details.status == Status::Won;
    let mut counters = Vec::new();
    for (stage, stay) in &tracked.stays {
        counters.push((format!("entered#{stage}"), 1));
        counters.push((format!("left#{stage}"), i64::from(stay.left)));
        counters.push((format!("millis#{stage}"), stay.millis));
        counters.push((format!("closed#{stage}"), i64::from(closed)));
        counters.push((format!("won#{stage}"), i64::from(won)));
    }
    counters
}

/// Every number `tracked` contributes, apart from the summary's (which is added at the time
/// of each event, see [`changes`]).
fn standing(tracked: &Tracked) -> Contribution {
    let details = &tracked.details;
    let pipeline = &details.pipeline_id;
    let mut numbers = Contribution::new();
    let (day, counters) = forecast_counters(details);
    for owner in [None, Some(details.owner_id.as_str())] {
        let partition = days_partition(pipeline, owner);
        let key = ItemKey::new(
            figures_pk(pipeline),
            match owner {
                Some(owner) => format!("D#{owner}#{day}"),
                None => format!("D#{day}"),
            },
        );
        let entry = IndexEntry {
            index: Index::Lookup,
            pk: partition,
            sk: day.clone(),
        };
        for (counter, value) in &counters {
            add(
                &mut numbers,
                key.clone(),
                counter.clone(),
                *value,
                Some(entry.clone()),
            );
        }
    }
    for (counter, value) in velocity_counters(tracked) {
        add(&mut numbers, velocity_key(pipeline), counter, value, None);
    }
    numbers
}

/// The counters an event moves, taking an opportunity from `before` to `after` at `at`.
pub fn changes(
    before: Option<&Tracked>,
    after: Option<&Tracked>,
    at: OffsetDateTime,
) -> Vec<CounterDelta> {
    let mut numbers = Contribution::new();
    let mut summary: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (tracked, sign) in [(after, 1), (before, -1)] {
        let Some(tracked) = tracked else { continue };
        for ((key, counter), (value, index)) in standing(tracked) {
            add(&mut numbers, key, counter, sign * value, index);
        }
        for (counter, value) in summary_counters(&tracked.details) {
            *summary
                .entry((tracked.details.pipeline_id.clone(), counter))
                .or_default() += sign * value;
        }
    }
    for ((pipeline, counter), value) in summary {
        if value == 0 {
            continue;
        }
        for (partition, sk, item) in buckets(&pipeline, at) {
            let entry = IndexEntry {
                index: Index::Lookup,
                pk: partition,
                sk,
            };
            add(
                &mut numbers,
                ItemKey::new(figures_pk(&pipeline), item),
                counter.clone(),
                value,
                Some(entry),
            );
        }
    }
    numbers
        .into_iter()
        .filter(|(_, (value, _))| *value != 0)
        .map(|((key, counter), (value, index))| CounterDelta {
            key,
            counter,
            delta: value,
            index,
        })
        .collect()
}

/// Counters summed from several items (e.g. the buckets of a prefix).
pub fn sum<'a>(
    items: impl IntoIterator<Item = &'a BTreeMap<String, i64>>,
) -> BTreeMap<String, i64> {
    let mut total = BTreeMap::new();
    for counters in items {
        for (name, value) in counters {
            *total.entry(name.clone()).or_default() += value;
        }
    }
    total
}

#[cfg(test)]
mod tests;
