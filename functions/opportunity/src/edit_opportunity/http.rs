use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, EditOpportunity};
use crate::opportunity::Opportunity;
use crate::representation::{answer, money};

pub fn slice() -> Slice {
    Slice::new("edit-opportunity", Access::ReadAndAppend, handle)
        .route("PATCH", "/api/opportunities/{id}")
        .reads::<PipelineStages>()
}

/// `currency` only together with `amount`; `nextStep: null` clears it; nothing else clears.
pub fn parse(request: &Request) -> Result<EditOpportunity, Problem> {
    let opportunity_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let name = fields.optional_string("name", validate::text(200));
    let has = |field: &str| body.get(field).is_some_and(|v| !v.is_null());
    if has("currency") && !has("amount") {
        fields.error("currency", "changes only together with amount");
    }
    let money = if has("amount") {
        if !has("currency") {
            fields.error("amount", "needs its currency beside it");
        }
        money(&mut fields, false)
    } else {
        fields.optional_string("amount", |_| Ok(()));
        fields.optional_string("currency", |_| Ok(()));
        None
    };
    let close_date = fields.optional_date("closeDate");
    let owner_id = fields.optional_string("ownerId", validate::id);
    let next_step = fields.string("nextStep", validate::text(500));
    for (field, value) in &body {
        if value.is_null() && field != "nextStep" {
            fields.error(field, "cannot be removed");
        }
    }
    if body.is_empty() {
        fields.error(
            "",
            "a PATCH needs at least one of name, amount, currency, closeDate, ownerId, nextStep",
        );
    }
    fields.finish()?;
    Ok(EditOpportunity {
        opportunity_id,
        name,
        money,
        close_date,
        owner_id,
        next_step,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let expected = expected_version(&request)?;
    let id = command.opportunity_id.clone();
    let outcome = invocation
        .execute::<Opportunity, _>(&id, expected, |state| decide(state, command))
        .await?;
    answer(
        &invocation,
        StatusCode::OK,
        outcome.state.existing(&id)?,
        outcome.version,
    )
    .await
}
