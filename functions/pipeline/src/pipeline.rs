//! Pipeline state and `evolve`: a sales pipeline's ordered stages, each with the probability
//! an opportunity in it is won, and the won and lost stages that close one.

use event_sourcing::{Aggregate, DomainError, ErrorKind};
use serde::{Deserialize, Serialize};

pub use contracts::pipeline_stream::{Outcome, PipelineDetails, PipelineEvent, Stage};

/// At most this many stages, archived ones included (they keep their history).
pub const MAX_STAGES: usize = 30;

/// A stage of the pipeline, or why there is none.
pub fn stage<'a>(details: &'a PipelineDetails, stage_id: &str) -> Result<&'a Stage, PipelineError> {
    details
        .find(stage_id)
        .ok_or_else(|| PipelineError::StageNotFound(stage_id.to_owned()))
}

fn label_taken(details: &PipelineDetails, label: &str, by_other_than: Option<&str>) -> bool {
    details.stages.iter().any(|stage| {
        Some(stage.stage_id.as_str()) != by_other_than && same_label(&stage.label, label)
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pipeline {
    #[default]
    NotCreated,
    Active(PipelineDetails),
}

impl Pipeline {
    pub fn active(&self, id: &str) -> Result<&PipelineDetails, PipelineError> {
        match self {
            Pipeline::Active(details) => Ok(details),
            Pipeline::NotCreated => Err(PipelineError::NotFound(id.to_owned())),
        }
    }
}

impl Aggregate for Pipeline {
    const TYPE: &'static str = contracts::streams::PIPELINE;
    /// Read by the contract's `PipelineStages` too.
    const SNAPSHOT_SHAPE: Option<u32> = Some(contracts::pipeline_stream::PIPELINE_SNAPSHOT_SHAPE);
    type Event = PipelineEvent;

    /// The fold is the contract's (`contracts::pipeline_stream`), which opportunities read too.
    fn evolve(self, event: &PipelineEvent) -> Self {
        let details = match self {
            Pipeline::Active(details) => Some(details),
            Pipeline::NotCreated => None,
        };
        match PipelineDetails::evolve(details, event) {
            Some(details) => Pipeline::Active(details),
            None => Pipeline::NotCreated,
        }
    }
}

/// Labels are unique within a pipeline whatever their case or surrounding spaces.
pub fn same_label(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A stage as a command names it, before it has a place in the pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStage {
    pub stage_id: String,
    pub label: String,
    pub probability: u8,
    pub outcome: Outcome,
}

impl NewStage {
    /// The stage it becomes: in use (not archived).
    pub fn into_stage(self) -> Stage {
        Stage {
            stage_id: self.stage_id,
            label: self.label,
            probability: self.probability,
            outcome: self.outcome,
            archived: false,
        }
    }
}

/// A broken rule of a pipeline's stages, with the JSON pointer of what breaks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageRule {
    pub pointer: String,
    pub rule: String,
}

/// The rules a new pipeline's stages keep, every broken one at once: unique ids and labels,
/// at least one open stage, exactly one won stage at 100% and one lost stage at 0%.
pub fn stage_rules(stages: &[NewStage]) -> Vec<StageRule> {
    let mut broken = Vec::new();
    let mut rule = |pointer: String, rule: &str| {
        broken.push(StageRule {
            pointer,
            rule: rule.to_owned(),
        })
    };
    if stages.is_empty() || stages.len() > MAX_STAGES {
        rule(
            "/stages".into(),
            &format!("must hold from 1 to {MAX_STAGES} stages"),
        );
    }
    for (index, stage) in stages.iter().enumerate() {
        let earlier = stages.get(..index).unwrap_or_default();
        if earlier.iter().any(|other| other.stage_id == stage.stage_id) {
            rule(
                format!("/stages/{index}/stageId"),
                "is used by an earlier stage",
            );
        }
        if earlier
            .iter()
            .any(|other| same_label(&other.label, &stage.label))
        {
            rule(
                format!("/stages/{index}/label"),
                "is used by an earlier stage (labels are unique whatever their case)",
            );
        }
        match stage.outcome {
            Outcome::Won if stage.probability != 100 => rule(
                format!("/stages/{index}/probability"),
                "must be 100 for the won stage",
            ),
            Outcome::Lost if stage.probability != 0 => rule(
                format!("/stages/{index}/probability"),
                "must be 0 for the lost stage",
            ),
            _ => {}
        }
    }
    let count = |outcome| stages.iter().filter(|s| s.outcome == outcome).count();
    if count(Outcome::Open) == 0 {
        rule("/stages".into(), "must hold at least one open stage");
    }
    for (outcome, name) in [(Outcome::Won, "won"), (Outcome::Lost, "lost")] {
        if count(outcome) != 1 {
            rule(
                "/stages".into(),
                &format!("must hold exactly one {name} stage"),
            );
        }
    }
    broken
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error("pipeline {0} does not exist")]
    NotFound(String),
    #[error("pipeline {0} already exists")]
    AlreadyExists(String),
    #[error("the stages break these rules: {}", .0.iter().map(|r| format!("{} {}", r.pointer, r.rule)).collect::<Vec<_>>().join("; "))]
    InvalidStages(Vec<StageRule>),
    #[error("stage {0} does not exist in this pipeline")]
    StageNotFound(String),
    #[error("stage {0} already exists in this pipeline")]
    StageExists(String),
    #[error("another stage of this pipeline is labelled {0:?}")]
    LabelTaken(String),
    #[error("a pipeline holds at most {MAX_STAGES} stages, archived ones included")]
    TooManyStages,
    #[error("position {position} is past the last place ({last})")]
    PositionOutOfRange { position: usize, last: usize },
    #[error("the {0} stage's probability is fixed at {1}")]
    FixedProbability(&'static str, u8),
    #[error("stage {0} is already archived")]
    AlreadyArchived(String),
    #[error("the {0} stage cannot be archived: it closes opportunities")]
    ClosingStage(&'static str),
    #[error("stage {0} is the last open stage: a pipeline keeps at least one")]
    LastOpenStage(String),
}

impl DomainError for PipelineError {
    fn kind(&self) -> ErrorKind {
        match self {
            PipelineError::NotFound(_) | PipelineError::StageNotFound(_) => ErrorKind::NotFound,
            PipelineError::InvalidStages(_) => ErrorKind::Invalid,
            PipelineError::AlreadyExists(_)
            | PipelineError::StageExists(_)
            | PipelineError::LabelTaken(_)
            | PipelineError::AlreadyArchived(_)
            | PipelineError::ClosingStage(_)
            | PipelineError::LastOpenStage(_) => ErrorKind::Conflict,
            PipelineError::TooManyStages
            | PipelineError::PositionOutOfRange { .. }
            | PipelineError::FixedProbability(..) => ErrorKind::Unprocessable,
        }
    }
}

/// Checks shared by adding and editing a stage: a free label and a place that exists.
pub(crate) fn check_place(
    details: &PipelineDetails,
    label: &str,
    stage_id: Option<&str>,
    position: usize,
    last: usize,
) -> Result<(), PipelineError> {
    if label_taken(details, label, stage_id) {
        return Err(PipelineError::LabelTaken(label.to_owned()));
    }
    if position > last {
        return Err(PipelineError::PositionOutOfRange { position, last });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::fixtures::{added, archived, created, new_stage, standard_stages};

    #[test]
    fn evolve_follows_the_life_of_a_pipeline() {
        let state =
            Pipeline::from_events(&[created(), added("demo", "Demo", 40, 2), archived("qualify")]);
        let details = state.active("p1").unwrap();
        let order: Vec<(&str, bool)> = details
            .stages
            .iter()
            .map(|s| (s.stage_id.as_str(), s.archived))
            .collect();
        assert_eq!(
            order,
            [
                ("qualify", true),
                ("propose", false),
                ("demo", false),
                ("won", false),
                ("lost", false)
            ]
        );
    }

    #[test]
    fn the_standard_stages_keep_every_rule_and_each_broken_rule_is_named() {
        assert_eq!(stage_rules(&standard_stages()), []);
        let mut stages = standard_stages();
        stages[1].label = " QUALIFY ".into();
        stages[2].probability = 90;
        stages.push(new_stage("won2", "Won again", 100, Outcome::Won));
        let pointers: Vec<String> = stage_rules(&stages)
            .into_iter()
            .map(|r| format!("{} {}", r.pointer, r.rule))
            .collect();
        assert_eq!(
            pointers,
            [
                "/stages/1/label is used by an earlier stage (labels are unique whatever their case)",
                "/stages/2/probability must be 100 for the won stage",
                "/stages must hold exactly one won stage",
            ]
        );
        let only_closing = vec![
            new_stage("w", "Won", 100, Outcome::Won),
            new_stage("l", "Lost", 0, Outcome::Lost),
        ];
        assert_eq!(
            stage_rules(&only_closing)[0].rule,
            "must hold at least one open stage"
        );
    }

    /// A stored snapshot outlives the build that wrote it: when this sample's JSON changes,
    /// so does the shape, or old snapshots would be read as the new state.
    #[test]
    fn the_snapshot_shape_changes_with_the_state() {
        let sample = Pipeline::from_events(&[created(), archived("qualify")]);
        let stage = |id: &str, label: &str, p: u8, outcome: &str, archived: bool| serde_json::json!({ "stageId": id, "label": label, "probability": p, "outcome": outcome, "archived": archived });
        assert_eq!(
            (
                Pipeline::SNAPSHOT_SHAPE,
                serde_json::to_value(&sample).unwrap()
            ),
            (
                Some(1),
                serde_json::json!({ "Active": { "pipelineId": "p1", "name": "Sales", "stages": [
                    stage("qualify", "Qualify", 20, "open", true),
                    stage("propose", "Propose", 60, "open", false),
                    stage("won", "Won", 100, "won", false),
                    stage("lost", "Lost", 0, "lost", false),
                ] } })
            ),
            "the pipeline's state changed: raise Pipeline::SNAPSHOT_SHAPE and update this sample"
        );
    }
}
