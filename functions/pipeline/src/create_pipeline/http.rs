use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};

use super::{decide, CreatePipeline};
use crate::pipeline::{stage_rules, NewStage, Outcome, Pipeline, MAX_STAGES};
use crate::representation::{pipeline_response, probability};

pub fn slice() -> Slice {
    Slice::new("create-pipeline", Access::Append, handle).route("POST", "/api/pipelines")
}

/// Every field error at once: each stage's own, then the rules the stages keep together.
pub fn parse(request: &Request) -> Result<CreatePipeline, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let pipeline_id = fields.optional_string("pipelineId", validate::id);
    let name = fields.required_string("name", validate::text(200));
    let stages = fields.required_objects("stages", 1..=MAX_STAGES, |stage| {
        let stage_id = stage.optional_string("stageId", validate::id);
        let label = stage.required_string("label", validate::text(100));
        let probability = probability(stage, true);
        let outcome = stage.optional_choice("outcome", Outcome::NAMES);
        NewStage {
            stage_id: stage_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            label: label.unwrap_or_default(),
            probability: probability.unwrap_or_default(),
            outcome: outcome
                .as_deref()
                .and_then(Outcome::parse)
                .unwrap_or_default(),
        }
    });
    // The rules across stages are checked once every stage reads well.
    let stages: Option<Vec<NewStage>> = stages.and_then(|stages| stages.into_iter().collect());
    if let Some(stages) = &stages {
        for broken in stage_rules(stages) {
            fields.error(broken.pointer.trim_start_matches('/'), broken.rule);
        }
    }
    fields.finish()?;
    Ok(CreatePipeline {
        pipeline_id: pipeline_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: name.unwrap_or_default(),
        stages: stages.unwrap_or_default(),
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let id = command.pipeline_id.clone();
    let outcome = invocation
        .execute::<Pipeline, _>(&id, Expected::New, |state| decide(state, command))
        .await?;
    let mut response = pipeline_response(
        StatusCode::CREATED,
        outcome.state.active(&id)?,
        outcome.version,
    )?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/pipelines/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
