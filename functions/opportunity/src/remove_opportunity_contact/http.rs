use contact::policies::RecordOpportunityUnnaming;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, no_content, path_id, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, RemoveOpportunityContact};
use crate::opportunity::Opportunity;

pub fn slice() -> Slice {
    Slice::new("remove-opportunity-contact", Access::ReadAndAppend, handle)
        .route("DELETE", "/api/opportunities/{id}/contacts/{contactId}")
        .policy(RecordOpportunityUnnaming)
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = RemoveOpportunityContact {
        opportunity_id: path_id(&request, "id")?,
        contact_id: path_id(&request, "contactId")?,
    };
    let expected = expected_version(&request)?;
    let id = command.opportunity_id.clone();
    let outcome = invocation
        .execute::<Opportunity, _>(&id, expected, |state| decide(state, command))
        .await?;
    Ok(no_content(outcome.version))
}
