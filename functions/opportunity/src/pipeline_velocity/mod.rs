//! pipeline-velocity: `GET /api/pipelines/{id}/velocity`: per stage, how many opportunities
//! ever entered it and left it, their mean days in it (over those that left, one decimal), and
//! the share won of the closed opportunities that passed through it. One read of one item.

use http_api::registry::{Access, Slice};
use http_api::{json_response, path_id, Invocation, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use contracts::pipeline_stream::PipelineStages;

use crate::pipeline_figures::read::{pipeline_at, ratio};
use crate::pipeline_figures::{velocity_key, PipelineFigures};

pub fn slice() -> Slice {
    Slice::new("pipeline-velocity", Access::ReadModels, handle)
        .route("GET", "/api/pipelines/{id}/velocity")
        .reads::<PipelineStages>()
        .projection(std::sync::Arc::new(PipelineFigures))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Velocity {
    pipeline_id: String,
    stages: Vec<StageVelocity>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StageVelocity {
    stage_id: String,
    label: String,
    entered: i64,
    left: i64,
    average_days_in_stage: Option<String>,
    win_rate: Option<serde_json::Number>,
}

const MILLIS_PER_DAY: i64 = 86_400_000;

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let pipeline = pipeline_at(&invocation, &id, None).await?;
    let counters = invocation.views.get(&velocity_key(&id)).await?.counters;
    let count = |name: &str, stage: &str| {
        counters
            .get(&format!("{name}#{stage}"))
            .copied()
            .unwrap_or(0)
    };
    let stages = pipeline
        .stages
        .iter()
        .map(|stage| {
            let left = count("left", &stage.stage_id);
            let millis = count("millis", &stage.stage_id);
            StageVelocity {
                stage_id: stage.stage_id.clone(),
                label: stage.label.clone(),
                entered: count("entered", &stage.stage_id),
                left,
                average_days_in_stage: (left > 0).then(|| {
                    let mut days = (Decimal::from(millis) / Decimal::from(left * MILLIS_PER_DAY))
                        .round_dp_with_strategy(1, RoundingStrategy::MidpointNearestEven);
                    days.rescale(1);
                    days.to_string()
                }),
                win_rate: ratio(
                    count("won", &stage.stage_id),
                    count("closed", &stage.stage_id),
                    4,
                ),
            }
        })
        .collect();
    json_response(
        StatusCode::OK,
        &Velocity {
            pipeline_id: id,
            stages,
        },
    )
}
