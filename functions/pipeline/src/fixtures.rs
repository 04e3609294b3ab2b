//! Pipeline fixtures for the tests of this crate and of the crates that depend on it: Sales,
//! pipeline `p1`, with stages Qualify (20%), Propose (60%), Won and Lost.

use serde_json::{json, Value};

use crate::add_stage::StageAdded;
use crate::archive_stage::StageArchived;
use crate::create_pipeline::PipelineCreated;
use crate::edit_stage::StageEdited;
use crate::pipeline::{NewStage, Outcome, Stage};
use crate::PipelineEvent;

pub const SALES: &str = "p1";

pub fn new_stage(stage_id: &str, label: &str, probability: u8, outcome: Outcome) -> NewStage {
    NewStage {
        stage_id: stage_id.into(),
        label: label.into(),
        probability,
        outcome,
    }
}

pub fn standard_stages() -> Vec<NewStage> {
    vec![
        new_stage("qualify", "Qualify", 20, Outcome::Open),
        new_stage("propose", "Propose", 60, Outcome::Open),
        new_stage("won", "Won", 100, Outcome::Won),
        new_stage("lost", "Lost", 0, Outcome::Lost),
    ]
}

/// The body of a `POST /api/pipelines` creating Sales.
pub fn sales_body() -> Value {
    json!({ "pipelineId": SALES, "name": "Sales", "stages": [
        { "stageId": "qualify", "label": "Qualify", "probability": 20 },
        { "stageId": "propose", "label": "Propose", "probability": 60, "outcome": "open" },
        { "stageId": "won", "label": "Won", "probability": 100, "outcome": "won" },
        { "stageId": "lost", "label": "Lost", "probability": 0, "outcome": "lost" },
    ] })
}

pub fn created() -> PipelineEvent {
    PipelineEvent::PipelineCreated(PipelineCreated {
        pipeline_id: SALES.into(),
        name: "Sales".into(),
        stages: standard_stages()
            .into_iter()
            .map(NewStage::into_stage)
            .collect(),
    })
}

pub fn added(stage_id: &str, label: &str, probability: u8, position: usize) -> PipelineEvent {
    PipelineEvent::StageAdded(StageAdded {
        pipeline_id: SALES.into(),
        stage: Stage {
            stage_id: stage_id.into(),
            label: label.into(),
            probability,
            outcome: Outcome::Open,
            archived: false,
        },
        position,
    })
}

/// A stage edited to `(label, probability, position)` from what it was.
pub fn edited(stage_id: &str, to: (&str, u8, usize), from: (&str, u8, usize)) -> PipelineEvent {
    PipelineEvent::StageEdited(StageEdited {
        pipeline_id: SALES.into(),
        stage_id: stage_id.into(),
        label: to.0.into(),
        probability: to.1,
        position: to.2,
        previous_label: from.0.into(),
        previous_probability: from.1,
        previous_position: from.2,
    })
}

pub fn archived(stage_id: &str) -> PipelineEvent {
    PipelineEvent::StageArchived(StageArchived {
        pipeline_id: SALES.into(),
        stage_id: stage_id.into(),
    })
}
