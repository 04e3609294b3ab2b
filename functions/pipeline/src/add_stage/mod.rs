//! add-stage: `POST /api/pipelines/{id}/stages`: an open stage, at `position` (0-based among
//! all stages) or just before the won stage.

#[cfg(feature = "lambda")]
mod http;

pub use contracts::pipeline_stream::StageAdded;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::pipeline::{
    check_place, Outcome, Pipeline, PipelineError, PipelineEvent, Stage, MAX_STAGES,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddStage {
    pub pipeline_id: String,
    pub stage_id: String,
    pub label: String,
    pub probability: u8,
    pub position: Option<usize>,
}

pub fn decide(state: &Pipeline, command: AddStage) -> Result<Vec<PipelineEvent>, PipelineError> {
    let details = state.active(&command.pipeline_id)?;
    if details.find(&command.stage_id).is_some() {
        return Err(PipelineError::StageExists(command.stage_id));
    }
    if details.stages.len() >= MAX_STAGES {
        return Err(PipelineError::TooManyStages);
    }
    let before_won = details
        .stages
        .iter()
        .position(|stage| stage.outcome == Outcome::Won)
        .unwrap_or(details.stages.len());
    let position = command.position.unwrap_or(before_won);
    check_place(
        details,
        &command.label,
        None,
        position,
        details.stages.len(),
    )?;
    Ok(vec![PipelineEvent::StageAdded(StageAdded {
        pipeline_id: command.pipeline_id,
        stage: Stage {
            stage_id: command.stage_id,
            label: command.label,
            probability: command.probability,
            outcome: Outcome::Open,
            archived: false,
        },
        position,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{added, created};
    use event_sourcing::testing::given;

    fn add(stage_id: &str, label: &str, position: Option<usize>) -> AddStage {
        AddStage {
            pipeline_id: "p1".into(),
            stage_id: stage_id.into(),
            label: label.into(),
            probability: 40,
            position,
        }
    }

    #[test]
    fn given_pipeline_when_stage_added_without_position_then_it_goes_before_the_won_stage() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("demo", "Demo", None)))
            .then([added("demo", "Demo", 40, 2)]);
    }

    #[test]
    fn given_pipeline_when_stage_added_at_a_position_then_it_goes_there() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("demo", "Demo", Some(0))))
            .then([added("demo", "Demo", 40, 0)]);
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("demo", "Demo", Some(4))))
            .then([added("demo", "Demo", 40, 4)]);
    }

    #[test]
    fn given_pipeline_when_stage_added_past_the_end_then_unprocessable() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("demo", "Demo", Some(5))))
            .then_error(PipelineError::PositionOutOfRange {
                position: 5,
                last: 4,
            });
    }

    #[test]
    fn given_pipeline_when_a_label_or_id_is_taken_then_conflict() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("demo", " propose", None)))
            .then_error(PipelineError::LabelTaken(" propose".into()));
        given::<Pipeline>([created()])
            .when(|state| decide(state, add("qualify", "Demo", None)))
            .then_error(PipelineError::StageExists("qualify".into()));
    }

    #[test]
    fn given_a_full_pipeline_when_stage_added_then_too_many() {
        let mut events = vec![created()];
        for i in 4..MAX_STAGES {
            events.push(added(&format!("s{i}"), &format!("Stage {i}"), 40, 0));
        }
        given::<Pipeline>(events)
            .when(|state| decide(state, add("one-more", "One more", None)))
            .then_error(PipelineError::TooManyStages);
    }

    #[test]
    fn given_no_pipeline_when_stage_added_then_not_found() {
        given::<Pipeline>([])
            .when(|state| decide(state, add("demo", "Demo", None)))
            .then_error(PipelineError::NotFound("p1".into()));
    }
}
