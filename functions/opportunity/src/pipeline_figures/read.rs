//! Reading a pipeline's figures: the index queries a summary, a forecast or a velocity needs,
//! and the shapes they answer with.

use std::collections::BTreeMap;

use contracts::pipeline_stream::{PipelineDetails, PipelineStages};
use event_sourcing::projection::{Index, IndexQuery};
use event_sourcing::AsOf;
use http_api::{Invocation, Problem};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use time::OffsetDateTime;

use super::{from_minor_units, sum};
use crate::money::{percent_of, Currency};

/// The items of one partition within `from..=to`, every page of them summed.
pub async fn summed(
    invocation: &Invocation,
    partition: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<BTreeMap<String, i64>, Problem> {
    let mut total = BTreeMap::new();
    let mut after = None;
    loop {
        let page = invocation
            .views
            .query(IndexQuery {
                index: Index::Lookup,
                partition,
                after: after.take(),
                limit: 1000,
                from: from.clone(),
                to: to.clone(),
            })
            .await?;
        let counters: Vec<_> = page
            .items
            .iter()
            .map(|(_, _, stored)| &stored.counters)
            .collect();
        total = sum(std::iter::once(&total).chain(counters));
        match page.items.last() {
            Some((key, entry, _)) if page.more => after = Some((entry.sk.clone(), key.clone())),
            _ => return Ok(total),
        }
    }
}

/// The pipeline as it stood at `at` (as it stands, when `None`), or 404.
pub async fn pipeline_at(
    invocation: &Invocation,
    pipeline_id: &str,
    at: Option<OffsetDateTime>,
) -> Result<PipelineDetails, Problem> {
    let loaded = invocation
        .load_as_of::<PipelineStages>(pipeline_id, at.map(AsOf::Instant))
        .await?;
    loaded.state.0.ok_or_else(|| {
        Problem::of_kind(
            event_sourcing::ErrorKind::NotFound,
            format!("pipeline {pipeline_id} does not exist"),
        )
    })
}

/// An amount of one currency, total and weighted.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    pub currency: String,
    pub total: String,
    pub weighted: String,
}

/// Per currency, the totals of the counters named `<prefix>#<currency>`.
pub fn per_currency(counters: &BTreeMap<String, i64>, prefix: &str) -> BTreeMap<Currency, i64> {
    counters
        .iter()
        .filter_map(|(name, value)| {
            let code = name.strip_prefix(prefix)?.strip_prefix('#')?;
            Some((Currency::parse(code).ok()?, *value))
        })
        .filter(|(_, value)| *value != 0)
        .collect()
}

/// A total in minor units × percent / 100, unrounded.
pub fn weigh(minor: i64, currency: Currency, percent: u8) -> Decimal {
    percent_of(from_minor_units(minor, currency).amount, percent)
}

pub use crate::money::rounded_text as amount_text;

/// `part / whole` to 4 places, half-even, as a JSON number; `None` when `whole` is 0.
pub fn ratio(part: i64, whole: i64, places: u32) -> Option<serde_json::Number> {
    if whole == 0 {
        return None;
    }
    let value = (Decimal::from(part) / Decimal::from(whole))
        .round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
    serde_json::Number::from_f64(value.try_into().ok()?)
}
