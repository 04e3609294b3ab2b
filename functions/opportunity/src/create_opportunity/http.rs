use contact::policies::RecordOpportunityNaming;
use contracts::client_stream::ClientName;
use contracts::pipeline_stream::PipelineStages;
use event_sourcing::Expected;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_object, validate, Fields, Problem};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use time::OffsetDateTime;

use super::{decide, Context, CreateOpportunity};
use crate::opportunity::Opportunity;
use crate::opportunity::MAX_CONTACTS;
use crate::representation::{money, named_contact, opportunity_response};

pub fn slice() -> Slice {
    Slice::new("create-opportunity", Access::Append, handle)
        .route("POST", "/api/opportunities")
        .reads::<ClientName>()
        .reads::<PipelineStages>()
        // The people it names must exist, and record the naming.
        .policy(RecordOpportunityNaming)
        .seals_personal_data()
}

pub fn parse(
    request: &Request,
    caller: Option<&str>,
    now: OffsetDateTime,
) -> Result<CreateOpportunity, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let opportunity_id = fields.optional_string("opportunityId", validate::id);
    let name = fields.required_string("name", validate::text(200));
    let client_id = fields.required_string("clientId", validate::id);
    let pipeline_id = fields.required_string("pipelineId", validate::id);
    let stage_id = fields.optional_string("stageId", validate::id);
    let money = money(&mut fields, true);
    if !fields.present("closeDate") {
        fields.error("closeDate", "is required");
    }
    let close_date = fields.optional_date("closeDate");
    let owner_id = fields.id_or_caller("ownerId", caller);
    let next_step = fields.optional_string("nextStep", validate::text(500));
    let contacts: Vec<(String, Option<String>)> = fields
        .optional_objects("contacts", 0..=MAX_CONTACTS, named_contact)
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    fields.no_repeats(
        &contacts,
        |(contact_id, _)| contact_id.clone(),
        |index| format!("contacts/{index}/contactId"),
        "names a contact already named",
    );
    fields.finish()?;
    let (Some(money), Some(close_date), Some(owner_id)) = (money, close_date, owner_id) else {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "the opportunity could not be read",
        ));
    };
    Ok(CreateOpportunity {
        opportunity_id: opportunity_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: name.unwrap_or_default(),
        client_id: client_id.unwrap_or_default(),
        pipeline_id: pipeline_id.unwrap_or_default(),
        stage_id,
        money,
        close_date,
        owner_id,
        next_step,
        created_at: now,
        contacts,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(
        &request,
        invocation.trace.user_id.as_deref(),
        invocation.now,
    )?;
    let client = invocation.load::<ClientName>(&command.client_id).await?;
    let pipeline = invocation
        .load::<PipelineStages>(&command.pipeline_id)
        .await?;
    let context = Context {
        client_exists: client.state.exists(),
        pipeline: pipeline.state.0,
    };
    let id = command.opportunity_id.clone();
    let outcome = invocation
        .execute::<Opportunity, _>(&id, Expected::New, |state| decide(state, command, &context))
        .await?;
    let details = outcome.state.existing(&id)?;
    let mut response = opportunity_response(
        StatusCode::CREATED,
        details,
        context.pipeline.as_ref(),
        outcome.version,
    )?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/opportunities/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
