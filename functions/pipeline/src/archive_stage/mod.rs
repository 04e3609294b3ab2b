//! archive-stage: `POST /api/pipelines/{id}/stages/{stageId}/archive`. The stage keeps its
//! place, its opportunities and its history, but receives no new opportunity.

#[cfg(feature = "lambda")]
mod http;

pub use contracts::pipeline_stream::StageArchived;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::pipeline::{stage, Outcome, Pipeline, PipelineError, PipelineEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveStage {
    pub pipeline_id: String,
    pub stage_id: String,
}

/// The won and lost stages close opportunities and the last open stage receives them: none of
/// them can go.
pub fn decide(
    state: &Pipeline,
    command: ArchiveStage,
) -> Result<Vec<PipelineEvent>, PipelineError> {
    let details = state.active(&command.pipeline_id)?;
    let stage = stage(details, &command.stage_id)?;
    if stage.archived {
        return Err(PipelineError::AlreadyArchived(command.stage_id));
    }
    match stage.outcome {
        Outcome::Won => return Err(PipelineError::ClosingStage("won")),
        Outcome::Lost => return Err(PipelineError::ClosingStage("lost")),
        Outcome::Open => {}
    }
    let open_left = details
        .stages
        .iter()
        .filter(|s| s.outcome == Outcome::Open && !s.archived)
        .count();
    if open_left <= 1 {
        return Err(PipelineError::LastOpenStage(command.stage_id));
    }
    Ok(vec![PipelineEvent::StageArchived(StageArchived {
        pipeline_id: command.pipeline_id,
        stage_id: command.stage_id,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{archived, created};
    use event_sourcing::testing::given;

    fn archive(stage_id: &str) -> ArchiveStage {
        ArchiveStage {
            pipeline_id: "p1".into(),
            stage_id: stage_id.into(),
        }
    }

    #[test]
    fn given_two_open_stages_when_one_is_archived_then_archived() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, archive("qualify")))
            .then([archived("qualify")]);
    }

    #[test]
    fn given_one_open_stage_left_when_it_is_archived_then_conflict() {
        given::<Pipeline>([created(), archived("qualify")])
            .when(|state| decide(state, archive("propose")))
            .then_error(PipelineError::LastOpenStage("propose".into()));
    }

    #[test]
    fn given_pipeline_when_a_closing_or_archived_stage_is_archived_then_conflict() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, archive("won")))
            .then_error(PipelineError::ClosingStage("won"));
        given::<Pipeline>([created()])
            .when(|state| decide(state, archive("lost")))
            .then_error(PipelineError::ClosingStage("lost"));
        given::<Pipeline>([created(), archived("qualify")])
            .when(|state| decide(state, archive("qualify")))
            .then_error(PipelineError::AlreadyArchived("qualify".into()));
        given::<Pipeline>([created()])
            .when(|state| decide(state, archive("nope")))
            .then_error(PipelineError::StageNotFound("nope".into()));
    }
}
