use event_sourcing::projection::Index;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, validate, view_as_stored, Problem};
use lambda_http::{Body, Request, RequestExt, Response};

use super::{partition, ByClient, ByOwner, ByPipeline, ByStage, Filter, Listed};
use crate::opportunity::{OpportunityDetails, Status};
use crate::representation::OpportunityAnswer;

pub fn slice() -> Slice {
    Slice::new("list-opportunities", Access::ReadModels, handle)
        .route("GET", "/api/opportunities")
        .view::<Listed<ByClient>>()
        .view::<Listed<ByOwner>>()
        .view::<Listed<ByPipeline>>()
        .view::<Listed<ByStage>>()
}

/// Exactly one of `clientId`, `ownerId`, `pipelineId` (with `stageId` only beside
/// `pipelineId`), and `status` (default `open`).
pub fn partition_of(request: &Request) -> Result<(Index, String), Problem> {
    let query = request.query_string_parameters();
    let id = |name: &str| -> Result<Option<String>, Problem> {
        query
            .first(name)
            .map(|value| {
                validate::id(value)
                    .map(|()| value.to_owned())
                    .map_err(|m| Problem::bad_request(format!("{name} {m}")))
            })
            .transpose()
    };
    let (client, owner, pipeline, stage) = (
        id("clientId")?,
        id("ownerId")?,
        id("pipelineId")?,
        id("stageId")?,
    );
    let status = match query.first("status").unwrap_or("open") {
        "open" => Some(Status::Open),
        "won" => Some(Status::Won),
        "lost" => Some(Status::Lost),
        "all" => None,
        other => {
            return Err(Problem::bad_request(format!(
                "status {other:?} must be one of open, won, lost, all"
            )))
        }
    };
    let (parameter, key) = match (client, owner, pipeline, stage) {
        (Some(client), None, None, None) => (ByClient::PARAMETER, client),
        (None, Some(owner), None, None) => (ByOwner::PARAMETER, owner),
        (None, None, Some(pipeline), None) => (ByPipeline::PARAMETER, pipeline),
        (None, None, Some(pipeline), Some(stage)) => {
            (ByStage::PARAMETER, format!("{pipeline}#{stage}"))
        }
        (_, _, None, Some(_)) => {
            return Err(Problem::bad_request(
                "stageId filters only beside pipelineId",
            ))
        }
        _ => {
            return Err(Problem::bad_request(
                "give exactly one of clientId, ownerId, pipelineId",
            ))
        }
    };
    let index = match status {
        Some(_) => Index::List,
        None => Index::Lookup,
    };
    Ok((index, partition(parameter, &key, status)))
}

/// Each item as `GET /api/opportunities/{id}` answers it, without the stage's probability
/// (which is the pipeline's, not the list's).
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let (index, partition) = partition_of(&request)?;
    list_response(&invocation, &request, index, &[partition], |stored| {
        let details: OpportunityDetails = serde_json::from_value(view_as_stored(stored)?).ok()?;
        let mut item = serde_json::to_value(OpportunityAnswer::new(&details, None)).ok()?;
        item.as_object_mut()?.remove("probability");
        Some(item)
    })
    .await
}
