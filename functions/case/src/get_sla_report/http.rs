use std::collections::BTreeMap;

use event_sourcing::projection::{Index, IndexQuery, ItemKey};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_response, validate, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::{Date, Duration, OffsetDateTime};

use super::{hour_of, SlaStanding, FIGURES, REPORT};
use crate::case::Priority;
use contracts::business_time::start_of_day;

pub fn slice() -> Slice {
    Slice::new("get-sla-report", Access::ReadModels, handle)
        .route("GET", "/api/reports/sla")
        .view::<SlaStanding>()
}

/// A report covers at most a leap year of days.
const MAX_DAYS: i64 = 366;
/// Hours read per index query.
const HOURS_PER_QUERY: usize = 1000;

#[derive(Debug, PartialEq)]
struct Period {
    from: Date,
    to: Date,
    zone: String,
    /// The first instant of `from` and of the day after `to`, in the zone.
    start: OffsetDateTime,
    end: OffsetDateTime,
}

fn parse(request: &Request) -> Result<Period, Problem> {
    let query = request.query_string_parameters();
    let day = |name: &str| -> Result<Date, Problem> {
        let text = query.first(name).ok_or_else(|| {
            Problem::bad_request(format!("{name} is required (a date like 2026-03-01)"))
        })?;
        validate::parse_date(text).map_err(|m| Problem::bad_request(format!("{name} {m}")))
    };
    let (from, to) = (day("from")?, day("to")?);
    if to < from {
        return Err(Problem::bad_request("to cannot precede from"));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(Problem::bad_request(format!(
            "a report covers at most {MAX_DAYS} days"
        )));
    }
    let zone = query.first("timeZone").unwrap_or("UTC").to_owned();
    let day_after = to
        .next_day()
        .ok_or_else(|| Problem::bad_request("to is out of range"))?;
    let start =
        start_of_day(&zone, from).map_err(|m| Problem::bad_request(format!("timeZone: {m}")))?;
    let end = start_of_day(&zone, day_after)
        .map_err(|m| Problem::bad_request(format!("timeZone: {m}")))?;
    // Totals are kept by the UTC hour: a day that starts within an hour cannot be told apart.
    if [start, end]
        .iter()
        .any(|at| at.minute() != 0 || at.second() != 0)
    {
        return Err(Problem::bad_request(format!(
            "timeZone: the report counts by the hour, and days in {zone} do not start on a whole hour of UTC"
        )));
    }
    Ok(Period {
        from,
        to,
        zone,
        start,
        end,
    })
}

#[derive(Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct PriorityFigures {
    opened: i64,
    first_response_met: i64,
    first_response_breached: i64,
    resolution_met: i64,
    resolution_breached: i64,
    /// Null when none was answered.
    average_first_response_minutes: Option<f64>,
}

impl PriorityFigures {
    fn of(totals: &BTreeMap<String, i64>, priority: Priority) -> Self {
        let figure = |name: &str| {
            totals
                .get(&format!("{}.{name}", priority.name()))
                .copied()
                .unwrap_or(0)
                .max(0)
        };
        let responses = figure("firstResponses");
        Self {
            opened: figure("opened"),
            first_response_met: figure("firstResponseMet"),
            first_response_breached: figure("firstResponseBreached"),
            resolution_met: figure("resolutionMet"),
            resolution_breached: figure("resolutionBreached"),
            // To a tenth of a minute.
            average_first_response_minutes: (responses > 0).then(|| {
                (figure("firstResponseSeconds") as f64 / responses as f64 / 6.0).round() / 10.0
            }),
        }
    }
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let period = parse(&request)?;
    let (first, last) = (hour_of(period.start), hour_of(period.end - Duration::HOUR));
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut after: Option<(String, ItemKey)> = None;
    loop {
        let page = invocation
            .views
            .query(IndexQuery {
                index: Index::List,
                partition: REPORT,
                after: after.take(),
                limit: HOURS_PER_QUERY,
                from: Some(first.clone()),
                to: Some(last.clone()),
            })
            .await?;
        for (key, entry, stored) in &page.items {
            for (name, n) in &stored.counters {
                if FIGURES.iter().any(|f| name.ends_with(&format!(".{f}"))) {
                    *totals.entry(name.clone()).or_insert(0) += n;
                }
            }
            after = Some((entry.sk.clone(), key.clone()));
        }
        if !page.more || after.is_none() {
            break;
        }
    }
    let priorities: Map<String, Value> = Priority::ALL
        .into_iter()
        .rev()
        .map(|p| {
            let figures = serde_json::to_value(PriorityFigures::of(&totals, p)).unwrap_or_default();
            (p.name().to_owned(), figures)
        })
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "from": period.from.to_string(),
            "to": period.to.to_string(),
            "timeZone": period.zone,
            "priorities": priorities,
        }),
    )
}
