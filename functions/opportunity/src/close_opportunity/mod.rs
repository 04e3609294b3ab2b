//! close-opportunity: `POST /api/opportunities/{id}/won` `{closedAt?}` and
//! `POST /api/opportunities/{id}/lost` `{reason, closedAt?}`: to the pipeline's won or lost
//! stage, closed.

#[cfg(feature = "lambda")]
mod http;

use contracts::pipeline_stream::{Outcome, PipelineDetails};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::opportunity::{not_before_creation, Opportunity, OpportunityError, OpportunityEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closing {
    Won,
    Lost { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseOpportunity {
    pub opportunity_id: String,
    pub closing: Closing,
    pub closed_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityWon {
    pub opportunity_id: String,
    /// The pipeline's won stage.
    pub stage_id: String,
    pub previous_stage_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub closed_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityLost {
    pub opportunity_id: String,
    /// The pipeline's lost stage.
    pub stage_id: String,
    pub previous_stage_id: String,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub closed_at: OffsetDateTime,
}

pub fn decide(
    state: &Opportunity,
    command: CloseOpportunity,
    pipeline: Option<&PipelineDetails>,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.open(&command.opportunity_id)?;
    not_before_creation(details, "closedAt", command.closed_at)?;
    let pipeline =
        pipeline.ok_or_else(|| OpportunityError::UnknownPipeline(details.pipeline_id.clone()))?;
    let outcome = match command.closing {
        Closing::Won => Outcome::Won,
        Closing::Lost { .. } => Outcome::Lost,
    };
    let stage_id = pipeline
        .closing(outcome)
        .ok_or_else(|| OpportunityError::UnknownPipeline(details.pipeline_id.clone()))?
        .stage_id
        .clone();
    let previous_stage_id = details.stage_id.clone();
    Ok(vec![match command.closing {
        Closing::Won => OpportunityEvent::OpportunityWon(OpportunityWon {
            opportunity_id: command.opportunity_id,
            stage_id,
            previous_stage_id,
            closed_at: command.closed_at,
        }),
        Closing::Lost { reason } => OpportunityEvent::OpportunityLost(OpportunityLost {
            opportunity_id: command.opportunity_id,
            stage_id,
            previous_stage_id,
            reason,
            closed_at: command.closed_at,
        }),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, lost, pipeline, won, CREATED_AT};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-02-01 10:00 UTC);

    fn close(closing: Closing, closed_at: OffsetDateTime) -> CloseOpportunity {
        CloseOpportunity {
            opportunity_id: "o1".into(),
            closing,
            closed_at,
        }
    }

    #[test]
    fn given_open_opportunity_when_won_or_lost_then_it_moves_to_that_stage() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, close(Closing::Won, AT), Some(&pipeline())))
            .then([won("qualify", AT)]);
        let lose = Closing::Lost {
            reason: "No budget".into(),
        };
        given::<Opportunity>([created()])
            .when(|state| decide(state, close(lose.clone(), AT), Some(&pipeline())))
            .then([lost("qualify", "No budget", AT)]);
    }

    #[test]
    fn given_a_future_closing_then_it_is_booked_ahead() {
        let ahead = datetime!(2030-01-01 00:00 UTC);
        given::<Opportunity>([created()])
            .when(|state| decide(state, close(Closing::Won, ahead), Some(&pipeline())))
            .then([won("qualify", ahead)]);
    }

    #[test]
    fn given_closed_opportunity_when_closed_again_then_conflict() {
        given::<Opportunity>([created(), won("qualify", AT)])
            .when(|state| decide(state, close(Closing::Won, AT), Some(&pipeline())))
            .then_error(OpportunityError::Closed("o1".into(), "won"));
    }

    #[test]
    fn given_open_opportunity_when_closed_before_its_creation_then_unprocessable() {
        let before = CREATED_AT - time::Duration::seconds(1);
        given::<Opportunity>([created()])
            .when(|state| decide(state, close(Closing::Won, before), Some(&pipeline())))
            .then_error(OpportunityError::BeforeCreation {
                what: "closedAt",
                at: "2026-01-05T08:59:59Z".into(),
                created_at: "2026-01-05T09:00:00Z".into(),
            });
    }
}
