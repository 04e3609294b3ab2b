//! The pipeline's events in the public feed: stage ids, probabilities, outcomes and order.
//! Names and labels are left to the API (free text, not part of the contract).

use contracts::feed::{Feed, Publication};
use contracts::pipeline_stream::{PipelineEvent, Stage};
use serde_json::{json, Value};

pub fn feed() -> Feed {
    Feed::of(contracts::streams::PIPELINE, publication)
}

fn stage(stage: &Stage) -> Value {
    json!({ "stageId": stage.stage_id, "probability": stage.probability, "outcome": stage.outcome })
}

fn publication(event: &PipelineEvent) -> Publication {
    match event {
        PipelineEvent::PipelineCreated(e) => Publication::public(
            "created",
            json!({ "pipelineId": e.pipeline_id, "stages": e.stages.iter().map(stage).collect::<Vec<_>>() }),
        ),
        PipelineEvent::StageAdded(e) => Publication::public(
            "stage-added",
            json!({ "pipelineId": e.pipeline_id, "stage": stage(&e.stage), "position": e.position }),
        ),
        PipelineEvent::StageEdited(e) => Publication::public(
            "stage-edited",
            json!({ "pipelineId": e.pipeline_id, "stageId": e.stage_id,
                "probability": e.probability, "previousProbability": e.previous_probability,
                "position": e.position, "previousPosition": e.previous_position,
                "labelChanged": e.label != e.previous_label }),
        ),
        PipelineEvent::StageArchived(e) => Publication::public(
            "stage-archived",
            json!({ "pipelineId": e.pipeline_id, "stageId": e.stage_id }),
        ),
    }
}
