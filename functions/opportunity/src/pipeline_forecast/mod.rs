//! pipeline-forecast: `GET /api/pipelines/{id}/forecast?from=<date>&to=<date>[&ownerId=]`
//! (both days included): per currency, the open total of opportunities closing in the period
//! and its weighting by their stages' probabilities, what was won and lost in the period, and
//! the win rate by count. One index query of the period's days (at most 366), however many
//! opportunities the pipeline has.

use std::collections::{BTreeMap, BTreeSet};

use http_api::registry::{Access, Slice};
use http_api::{json_response, path_id, validate, Invocation, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use rust_decimal::Decimal;
use serde::Serialize;

use contracts::pipeline_stream::PipelineStages;

use crate::money::Currency;
use crate::pipeline_figures::read::{amount_text, per_currency, pipeline_at, ratio, summed, weigh};
use crate::pipeline_figures::{days_partition, PipelineFigures};

/// The longest period a forecast covers, in days.
pub const MAX_DAYS: i64 = 366;

pub fn slice() -> Slice {
    Slice::new("pipeline-forecast", Access::ReadModels, handle)
        .route("GET", "/api/pipelines/{id}/forecast")
        .reads::<PipelineStages>()
        .projection(std::sync::Arc::new(PipelineFigures))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Forecast {
    pipeline_id: String,
    from: String,
    to: String,
    owner_id: Option<String>,
    currencies: Vec<CurrencyForecast>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CurrencyForecast {
    currency: String,
    open: String,
    weighted: String,
    won: String,
    lost: String,
    win_rate: Option<serde_json::Number>,
}

fn problem(pointer: &str, detail: impl Into<String>) -> Problem {
    Problem::invalid_fields(vec![http_api::FieldError {
        pointer: format!("query:{pointer}"),
        detail: detail.into(),
    }])
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let query = request.query_string_parameters();
    let date = |name: &str| match query.first(name) {
        Some(text) => validate::parse_date(text).map_err(|detail| problem(name, detail)),
        None => Err(problem(name, "is required")),
    };
    let (from, to) = (date("from")?, date("to")?);
    if to < from {
        return Err(problem("to", "must not be before from"));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(problem(
            "to",
            format!("a forecast covers at most {MAX_DAYS} days"),
        ));
    }
    let owner = query
        .first("ownerId")
        .map(|owner| validate::id(owner).map(|()| owner.to_owned()))
        .transpose()
        .map_err(|detail| problem("ownerId", detail))?;
    let pipeline = pipeline_at(&invocation, &id, None).await?;
    let (from_text, to_text) = (crate::dates::text(from), crate::dates::text(to));
    let counters = summed(
        &invocation,
        &days_partition(&id, owner.as_deref()),
        Some(from_text.clone()),
        Some(to_text.clone()),
    )
    .await?;
    let count = |name: &str, currency: Currency| {
        counters
            .get(&format!("{name}#{currency}"))
            .copied()
            .unwrap_or(0)
    };
    let mut open: BTreeMap<Currency, (i64, Decimal)> = BTreeMap::new();
    for stage in &pipeline.stages {
        for (currency, minor) in per_currency(&counters, &format!("open#{}", stage.stage_id)) {
            let entry = open.entry(currency).or_default();
            entry.0 += minor;
            entry.1 += weigh(minor, currency, stage.probability);
        }
    }
    let won = per_currency(&counters, "won");
    let lost = per_currency(&counters, "lost");
    // Every currency with an opportunity in the period, zero amounts too.
    let currencies: BTreeSet<Currency> = ["openCount", "wonCount", "lostCount"]
        .iter()
        .flat_map(|name| per_currency(&counters, name).into_keys())
        .collect();
    let text = |minor: i64, currency| amount_text(weigh(minor, currency, 100), currency);
    let currencies = currencies
        .into_iter()
        .map(|currency| {
            let (open_total, weighted) = open.get(&currency).copied().unwrap_or_default();
            let (won_count, lost_count) =
                (count("wonCount", currency), count("lostCount", currency));
            CurrencyForecast {
                currency: currency.code(),
                open: text(open_total, currency),
                weighted: amount_text(weighted, currency),
                won: text(won.get(&currency).copied().unwrap_or(0), currency),
                lost: text(lost.get(&currency).copied().unwrap_or(0), currency),
                win_rate: ratio(won_count, won_count + lost_count, 4),
            }
        })
        .collect();
    json_response(
        StatusCode::OK,
        &Forecast {
            pipeline_id: id,
            from: from_text,
            to: to_text,
            owner_id: owner,
            currencies,
        },
    )
}
