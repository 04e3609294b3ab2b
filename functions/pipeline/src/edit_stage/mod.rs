//! edit-stage: `PATCH /api/pipelines/{id}/stages/{stageId}`: relabel, reweigh or move a stage.
//! The event keeps the values it replaced, so the history shows what a forecast was weighed
//! with before.

#[cfg(feature = "lambda")]
mod http;

pub use contracts::pipeline_stream::StageEdited;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::pipeline::{check_place, stage, Outcome, Pipeline, PipelineError, PipelineEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditStage {
    pub pipeline_id: String,
    pub stage_id: String,
    pub label: Option<String>,
    pub probability: Option<u8>,
    pub position: Option<usize>,
}

/// An edit to what the stage already is records nothing.
pub fn decide(state: &Pipeline, command: EditStage) -> Result<Vec<PipelineEvent>, PipelineError> {
    let details = state.active(&command.pipeline_id)?;
    let stage = stage(details, &command.stage_id)?;
    let current = details.position(&command.stage_id).unwrap_or_default();
    let label = command.label.unwrap_or_else(|| stage.label.clone());
    let probability = command.probability.unwrap_or(stage.probability);
    let position = command.position.unwrap_or(current);
    let fixed = match stage.outcome {
        Outcome::Won => Some(("won", 100)),
        Outcome::Lost => Some(("lost", 0)),
        Outcome::Open => None,
    };
    if let Some((name, fixed)) = fixed.filter(|(_, fixed)| *fixed != probability) {
        return Err(PipelineError::FixedProbability(name, fixed));
    }
    check_place(
        details,
        &label,
        Some(&command.stage_id),
        position,
        details.stages.len().saturating_sub(1),
    )?;
    if (label.as_str(), probability, position) == (stage.label.as_str(), stage.probability, current)
    {
        return Ok(Vec::new());
    }
    Ok(vec![PipelineEvent::StageEdited(StageEdited {
        pipeline_id: command.pipeline_id,
        stage_id: command.stage_id,
        label,
        probability,
        position,
        previous_label: stage.label.clone(),
        previous_probability: stage.probability,
        previous_position: current,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, edited};
    use event_sourcing::testing::given;

    fn edit(stage_id: &str) -> EditStage {
        EditStage {
            pipeline_id: "p1".into(),
            stage_id: stage_id.into(),
            label: None,
            probability: None,
            position: None,
        }
    }

    #[test]
    fn given_pipeline_when_a_stage_is_reweighed_and_moved_then_the_event_keeps_what_it_was() {
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        probability: Some(30),
                        position: Some(0),
                        ..edit("propose")
                    },
                )
            })
            .then([edited("propose", ("Propose", 30, 0), ("Propose", 60, 1))]);
    }

    #[test]
    fn given_pipeline_when_a_stage_is_edited_to_what_it_is_then_nothing_is_recorded() {
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        label: Some("Propose".into()),
                        probability: Some(60),
                        ..edit("propose")
                    },
                )
            })
            .then([]);
    }

    #[test]
    fn given_pipeline_when_the_won_stage_is_reweighed_then_unprocessable_but_it_can_be_renamed() {
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        probability: Some(90),
                        ..edit("won")
                    },
                )
            })
            .then_error(PipelineError::FixedProbability("won", 100));
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        label: Some("Closed won".into()),
                        probability: Some(100),
                        ..edit("won")
                    },
                )
            })
            .then([edited("won", ("Closed won", 100, 2), ("Won", 100, 2))]);
    }

    #[test]
    fn given_pipeline_when_a_stage_takes_another_label_or_a_place_past_the_end_then_refused() {
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        label: Some("LOST".into()),
                        ..edit("propose")
                    },
                )
            })
            .then_error(PipelineError::LabelTaken("LOST".into()));
        given::<Pipeline>([created()])
            .when(|state| {
                decide(
                    state,
                    EditStage {
                        position: Some(4),
                        ..edit("propose")
                    },
                )
            })
            .then_error(PipelineError::PositionOutOfRange {
                position: 4,
                last: 3,
            });
        given::<Pipeline>([created()])
            .when(|state| decide(state, edit("nope")))
            .then_error(PipelineError::StageNotFound("nope".into()));
    }
}
