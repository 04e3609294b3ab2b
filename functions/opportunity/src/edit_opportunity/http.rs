use contracts::pipeline_stream::PipelineStages;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

use super::{decide, EditOpportunity, NewAmount};
use crate::money::Currency;
use crate::opportunity::Opportunity;
use crate::representation::{answer, decimal_text};

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
    // An amount alone is in the opportunity's currency; a currency changes only with one.
    if fields.present("currency") && !fields.present("amount") {
        fields.error("currency", "changes only together with amount");
    }
    let amount = fields.optional_string("amount", decimal_text);
    let currency = fields.optional_string("currency", |code| {
        Currency::parse(code).map(|_| ()).map_err(|e| e.to_string())
    });
    let amount = amount.map(|amount| NewAmount {
        amount,
        currency: currency.and_then(|code| Currency::parse(&code).ok()),
    });
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
        amount,
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
