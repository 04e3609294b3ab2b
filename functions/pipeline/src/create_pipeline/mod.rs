//! create-pipeline: `POST /api/pipelines` with its stages in order.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};

pub use contracts::pipeline_stream::PipelineCreated;

use crate::pipeline::{stage_rules, NewStage, Pipeline, PipelineError, PipelineEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatePipeline {
    pub pipeline_id: String,
    pub name: String,
    pub stages: Vec<NewStage>,
}

pub fn decide(
    state: &Pipeline,
    command: CreatePipeline,
) -> Result<Vec<PipelineEvent>, PipelineError> {
    if let Pipeline::Active(_) = state {
        return Err(PipelineError::AlreadyExists(command.pipeline_id));
    }
    let broken = stage_rules(&command.stages);
    if !broken.is_empty() {
        return Err(PipelineError::InvalidStages(broken));
    }
    Ok(vec![PipelineEvent::PipelineCreated(PipelineCreated {
        pipeline_id: command.pipeline_id,
        name: command.name,
        stages: command
            .stages
            .into_iter()
            .map(NewStage::into_stage)
            .collect(),
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, standard_stages};
    use event_sourcing::testing::given;

    fn create_sales(stages: Vec<NewStage>) -> CreatePipeline {
        CreatePipeline {
            pipeline_id: "p1".into(),
            name: "Sales".into(),
            stages,
        }
    }

    #[test]
    fn given_no_pipeline_when_created_then_pipeline_created_with_its_stages_in_order() {
        given::<Pipeline>([])
            .when(|state| decide(state, create_sales(standard_stages())))
            .then([created()]);
    }

    #[test]
    fn given_pipeline_when_created_again_then_already_exists() {
        given::<Pipeline>([created()])
            .when(|state| decide(state, create_sales(standard_stages())))
            .then_error(PipelineError::AlreadyExists("p1".into()));
    }

    #[test]
    fn given_no_pipeline_when_created_without_a_lost_stage_then_invalid() {
        let mut stages = standard_stages();
        stages.pop();
        given::<Pipeline>([])
            .when(|state| decide(state, create_sales(stages.clone())))
            .then_error(PipelineError::InvalidStages(stage_rules(&stages)));
    }
}
