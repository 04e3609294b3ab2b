//! reopen-opportunity: `POST /api/opportunities/{id}/reopen` `{stageId?}`: a closed
//! opportunity back to the stage it was in before closing, or to the open stage given.

#[cfg(feature = "lambda")]
mod http;

use contracts::pipeline_stream::PipelineDetails;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use time::OffsetDateTime;

use crate::opportunity::{
    open_stage, Opportunity, OpportunityError, OpportunityEvent, StageMove, Status,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReopenOpportunity {
    pub opportunity_id: String,
    pub stage_id: Option<String>,
    pub at: OffsetDateTime,
}

/// Back from its won or lost stage (`previousStageId`) to an open one.
pub type OpportunityReopened = StageMove;

/// The stage it goes back to must still take opportunities (open, not archived).
pub fn decide(
    state: &Opportunity,
    command: ReopenOpportunity,
    pipeline: Option<&PipelineDetails>,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.existing(&command.opportunity_id)?;
    if details.status == Status::Open {
        return Err(OpportunityError::NotClosed(command.opportunity_id));
    }
    let pipeline =
        pipeline.ok_or_else(|| OpportunityError::UnknownPipeline(details.pipeline_id.clone()))?;
    let back_to = command
        .stage_id
        .or_else(|| details.stage_before_close.clone())
        .ok_or(OpportunityError::NoOpenStage)?;
    open_stage(pipeline, &back_to)?;
    Ok(vec![OpportunityEvent::OpportunityReopened(
        OpportunityReopened {
            opportunity_id: command.opportunity_id,
            stage_id: back_to,
            previous_stage_id: details.stage_id.clone(),
            at: command.at,
        },
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, lost, moved, pipeline, reopened};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-02-01 10:00 UTC);

    fn reopen(stage_id: Option<&str>) -> ReopenOpportunity {
        ReopenOpportunity {
            opportunity_id: "o1".into(),
            stage_id: stage_id.map(str::to_owned),
            at: AT,
        }
    }

    fn closed_from_propose() -> [OpportunityEvent; 3] {
        [
            created(),
            moved("qualify", "propose", AT),
            lost("propose", "No budget", AT),
        ]
    }

    #[test]
    fn given_lost_opportunity_when_reopened_then_back_to_the_stage_it_left() {
        given::<Opportunity>(closed_from_propose())
            .when(|state| decide(state, reopen(None), Some(&pipeline())))
            .then([reopened("propose", AT)]);
        given::<Opportunity>(closed_from_propose())
            .when(|state| decide(state, reopen(Some("qualify")), Some(&pipeline())))
            .then([reopened("qualify", AT)]);
    }

    #[test]
    fn given_lost_opportunity_whose_stage_was_archived_when_reopened_then_unprocessable() {
        let mut archived = pipeline();
        archived.stages[1].archived = true;
        given::<Opportunity>(closed_from_propose())
            .when(|state| decide(state, reopen(None), Some(&archived)))
            .then_error(OpportunityError::ArchivedStage("propose".into()));
    }

    #[test]
    fn given_open_opportunity_when_reopened_then_conflict() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, reopen(None), Some(&pipeline())))
            .then_error(OpportunityError::NotClosed("o1".into()));
    }
}
