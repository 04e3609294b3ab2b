use contact::policies::RecordOpportunityNaming;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, AddOpportunityContact};
use crate::opportunity::Opportunity;
use crate::representation::{answer, named_contact};

pub fn slice() -> Slice {
    Slice::new("add-opportunity-contact", Access::ReadAndAppend, handle)
        .route("POST", "/api/opportunities/{id}/contacts")
        .reads::<contracts::pipeline_stream::PipelineStages>()
        // The person must exist; the naming is recorded on their stream.
        .policy(RecordOpportunityNaming)
        .seals_personal_data()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let opportunity_id = path_id(&request, "id")?;
    let body = json_object(&request)?;
    let mut fields = Fields::new(&body);
    let (contact_id, role) = named_contact(&mut fields);
    fields.finish()?;
    let expected = expected_version(&request)?;
    let command = AddOpportunityContact {
        opportunity_id: opportunity_id.clone(),
        contact_id,
        role,
    };
    let outcome = invocation
        .execute::<Opportunity, _>(&opportunity_id, expected, |state| decide(state, command))
        .await?;
    answer(
        &invocation,
        StatusCode::CREATED,
        outcome.state.existing(&opportunity_id)?,
        outcome.version,
    )
    .await
}
