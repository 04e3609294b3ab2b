//! pipeline-summary: `GET /api/pipelines/{id}/summary[?asOf=<RFC 3339>]`: every stage of the
//! pipeline in order, with its count and, per currency, its total and weighted amounts: open
//! opportunities in open stages, won and lost ones in the closing stages. With `asOf`, all of
//! it as it stood then (stages, probabilities and order of that moment too), from the
//! time buckets of `pipeline_figures`: at most seven index queries and one read of the
//! pipeline, however many opportunities and events it has.

use http_api::registry::{Access, Slice};
use http_api::{json_response, path_id, Invocation, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;

use contracts::pipeline_stream::{Outcome, PipelineStages};

use crate::pipeline_figures::read::{
    amount_text, per_currency, pipeline_at, summed, weigh, Amounts,
};
use crate::pipeline_figures::{prefix_queries, years_partition, PipelineFigures};

pub fn slice() -> Slice {
    Slice::new("pipeline-summary", Access::ReadModels, handle)
        .route("GET", "/api/pipelines/{id}/summary")
        .reads::<PipelineStages>()
        .projection(std::sync::Arc::new(PipelineFigures))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    pipeline_id: String,
    as_of: String,
    stages: Vec<StageSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StageSummary {
    stage_id: String,
    label: String,
    outcome: Outcome,
    probability: u8,
    count: i64,
    amounts: Vec<Amounts>,
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let asked = match request.query_string_parameters().first("asOf") {
        Some(text) => Some(http_api::validate::parse_rfc3339(text).map_err(|detail| {
            Problem::invalid_fields(vec![http_api::FieldError {
                pointer: "query:asOf".into(),
                detail,
            }])
        })?),
        None => None,
    };
    let at = asked.unwrap_or(invocation.now);
    let pipeline = pipeline_at(&invocation, &id, asked).await?;
    // Now is every year's bucket (differences are added when recorded, never later); a past
    // instant, the prefix of the buckets up to it.
    let queries = match asked {
        Some(at) => prefix_queries(&id, at)
            .into_iter()
            .map(|(partition, to)| (partition, Some(to)))
            .collect(),
        None => vec![(years_partition(&id), None)],
    };
    let mut counters = std::collections::BTreeMap::new();
    for (partition, to) in queries {
        let bucket = summed(&invocation, &partition, None, to).await?;
        counters = crate::pipeline_figures::sum([&counters, &bucket]);
    }
    let stages = pipeline
        .stages
        .iter()
        .map(|stage| StageSummary {
            stage_id: stage.stage_id.clone(),
            label: stage.label.clone(),
            outcome: stage.outcome,
            probability: stage.probability,
            count: counters
                .get(&format!("count#{}", stage.stage_id))
                .copied()
                .unwrap_or(0),
            // The currencies of the opportunities in the stage, with their totals.
            amounts: per_currency(&counters, &format!("count#{}", stage.stage_id))
                .into_keys()
                .map(|currency| {
                    let minor = counters
                        .get(&format!("amount#{}#{currency}", stage.stage_id))
                        .copied()
                        .unwrap_or(0);
                    Amounts {
                        currency: currency.code(),
                        total: amount_text(weigh(minor, currency, 100), currency),
                        weighted: amount_text(weigh(minor, currency, stage.probability), currency),
                    }
                })
                .collect(),
        })
        .collect();
    json_response(
        StatusCode::OK,
        &Summary {
            pipeline_id: id,
            as_of: event_sourcing::envelope::rfc3339(at),
            stages,
        },
    )
}
