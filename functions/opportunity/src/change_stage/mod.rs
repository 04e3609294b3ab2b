//! change-stage: `POST /api/opportunities/{id}/stage` `{stageId}`: to another open stage of
//! its pipeline that is not archived.

#[cfg(feature = "lambda")]
mod http;

use contracts::pipeline_stream::PipelineDetails;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use time::OffsetDateTime;

use crate::opportunity::{open_stage, Opportunity, OpportunityError, OpportunityEvent, StageMove};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeStage {
    pub opportunity_id: String,
    pub stage_id: String,
    pub at: OffsetDateTime,
}

/// Moved to another open stage.
pub type StageChanged = StageMove;

/// `pipeline`: the opportunity's pipeline as read just before (None: it cannot be read).
pub fn decide(
    state: &Opportunity,
    command: ChangeStage,
    pipeline: Option<&PipelineDetails>,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.open(&command.opportunity_id)?;
    if details.stage_id == command.stage_id {
        return Err(OpportunityError::SameStage(command.stage_id));
    }
    let pipeline =
        pipeline.ok_or_else(|| OpportunityError::UnknownPipeline(details.pipeline_id.clone()))?;
    open_stage(pipeline, &command.stage_id)?;
    Ok(vec![OpportunityEvent::StageChanged(StageChanged {
        opportunity_id: command.opportunity_id,
        stage_id: command.stage_id,
        previous_stage_id: details.stage_id.clone(),
        at: command.at,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, moved, pipeline, won};
    use event_sourcing::testing::given;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-02-01 10:00 UTC);

    fn to(stage: &str) -> ChangeStage {
        ChangeStage {
            opportunity_id: "o1".into(),
            stage_id: stage.into(),
            at: AT,
        }
    }

    #[test]
    fn given_open_opportunity_when_moved_to_another_open_stage_then_stage_changed() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, to("propose"), Some(&pipeline())))
            .then([moved("qualify", "propose", AT)]);
    }

    #[test]
    fn given_open_opportunity_when_moved_to_its_own_stage_or_once_closed_then_conflict() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, to("qualify"), Some(&pipeline())))
            .then_error(OpportunityError::SameStage("qualify".into()));
        given::<Opportunity>([created(), won("qualify", AT)])
            .when(|state| decide(state, to("propose"), Some(&pipeline())))
            .then_error(OpportunityError::Closed("o1".into(), "won"));
    }

    #[test]
    fn given_open_opportunity_when_moved_to_a_stage_it_cannot_enter_then_unprocessable() {
        let mut archived = pipeline();
        archived.stages[1].archived = true;
        given::<Opportunity>([created()])
            .when(|state| decide(state, to("propose"), Some(&archived)))
            .then_error(OpportunityError::ArchivedStage("propose".into()));
        given::<Opportunity>([created()])
            .when(|state| decide(state, to("won"), Some(&pipeline())))
            .then_error(OpportunityError::ClosingStage("won".into()));
        given::<Opportunity>([created()])
            .when(|state| decide(state, to("elsewhere"), Some(&pipeline())))
            .then_error(OpportunityError::UnknownStage("elsewhere".into()));
    }
}
