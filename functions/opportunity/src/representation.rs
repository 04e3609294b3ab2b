//! The JSON every opportunity route answers with, and the fields several routes read alike.

use contracts::pipeline_stream::PipelineDetails;
use http_api::{validate, versioned_response, Fields, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::money::{Currency, Money};
use crate::opportunity::{OpportunityDetails, OpportunityError, Status};

/// An opportunity as `GET /api/opportunities/{id}` answers it (and every list item).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityAnswer<'a> {
    pub opportunity_id: &'a str,
    pub name: &'a str,
    pub client_id: &'a str,
    pub pipeline_id: &'a str,
    pub stage_id: &'a str,
    /// Its stage's probability in the pipeline as read (null if the pipeline is unreadable).
    pub probability: Option<u8>,
    #[serde(flatten)]
    pub money: Money,
    #[serde(with = "crate::dates::iso_date")]
    pub close_date: Date,
    pub owner_id: &'a str,
    pub next_step: Option<&'a str>,
    pub status: Status,
    pub lost_reason: Option<&'a str>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub stage_entered_at: OffsetDateTime,
    pub contacts: Vec<NamedContact<'a>>,
}

/// A person named on an opportunity, and their role there.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedContact<'a> {
    pub contact_id: &'a str,
    pub role: Option<&'a str>,
}

impl<'a> OpportunityAnswer<'a> {
    pub fn new(details: &'a OpportunityDetails, pipeline: Option<&PipelineDetails>) -> Self {
        Self {
            opportunity_id: &details.opportunity_id,
            name: &details.name,
            client_id: &details.client_id,
            pipeline_id: &details.pipeline_id,
            stage_id: &details.stage_id,
            probability: pipeline
                .and_then(|p| p.find(&details.stage_id))
                .map(|stage| stage.probability),
            money: details.money,
            close_date: details.close_date,
            owner_id: &details.owner_id,
            next_step: details.next_step.as_deref(),
            status: details.status,
            lost_reason: details.lost_reason.as_deref(),
            closed_at: details.closed_at,
            created_at: details.created_at,
            stage_entered_at: details.stage_entered_at,
            contacts: details
                .contacts
                .iter()
                .map(|(contact_id, role)| NamedContact {
                    contact_id,
                    role: role.as_deref(),
                })
                .collect(),
        }
    }
}

pub fn opportunity_response(
    status: StatusCode,
    details: &OpportunityDetails,
    pipeline: Option<&PipelineDetails>,
    version: u64,
) -> Result<Response<Body>, Problem> {
    versioned_response(status, &OpportunityAnswer::new(details, pipeline), version)
}

/// The opportunity after a write, with its stage's probability in its pipeline as it is.
pub async fn answer(
    invocation: &http_api::Invocation,
    status: StatusCode,
    details: &OpportunityDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let pipeline = invocation
        .load::<contracts::pipeline_stream::PipelineStages>(&details.pipeline_id)
        .await?;
    opportunity_response(status, details, pipeline.state.0.as_ref(), version)
}

/// A command that needs the opportunity's pipeline: the opportunity is read for its pipeline,
/// the pipeline's stages as they stand, then `decide` runs at the version read; 200 with the
/// opportunity after it.
pub async fn execute_in_pipeline(
    invocation: &http_api::Invocation,
    id: &str,
    expected: event_sourcing::Expected,
    decide: impl FnOnce(
        &crate::Opportunity,
        Option<&PipelineDetails>,
    ) -> Result<Vec<crate::OpportunityEvent>, OpportunityError>,
) -> Result<Response<Body>, Problem> {
    let current = invocation.load::<crate::Opportunity>(id).await?;
    let pipeline_id = current.state.existing(id)?.pipeline_id.clone();
    let pipeline = invocation
        .load::<contracts::pipeline_stream::PipelineStages>(&pipeline_id)
        .await?
        .state
        .0;
    let outcome = invocation
        .execute::<crate::Opportunity, _>(id, expected, |state| decide(state, pipeline.as_ref()))
        .await?;
    opportunity_response(
        StatusCode::OK,
        outcome.state.existing(id)?,
        pipeline.as_ref(),
        outcome.version,
    )
}

/// An amount's text, before its currency is known: digits with an optional fraction.
pub fn decimal_text(text: &str) -> Result<(), String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if digits(whole) && (!text.contains('.') || digits(fraction)) {
        Ok(())
    } else {
        Err(crate::money::MoneyError::NotADecimal.to_string())
    }
}

/// `amount` and `currency`, read together: each error points at its own field.
pub fn money(fields: &mut Fields<'_>, required: bool) -> Option<Money> {
    if required {
        for field in ["amount", "currency"] {
            if !fields.present(field) {
                fields.error(field, "is required");
            }
        }
    }
    let amount = fields.optional_string("amount", |_| Ok(()));
    let currency = fields.optional_string("currency", |code| {
        Currency::parse(code).map(|_| ()).map_err(|e| e.to_string())
    });
    let currency = Currency::parse(currency.as_deref()?).ok()?;
    match Money::parse(amount.as_deref()?, currency) {
        Ok(money) => Some(money),
        Err(error) => {
            fields.error("amount", error.to_string());
            None
        }
    }
}

/// One person named: `{contactId, role?}` (the role up to 100 characters).
pub fn named_contact(fields: &mut Fields<'_>) -> (String, Option<String>) {
    let contact_id = fields.required_string("contactId", validate::id);
    let role = fields.optional_string("role", validate::text(100));
    (contact_id.unwrap_or_default(), role)
}

impl From<OpportunityError> for Problem {
    fn from(error: OpportunityError) -> Self {
        Problem::domain(error)
    }
}
