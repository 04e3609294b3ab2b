//! A pipeline's stream, as the pipeline aggregate records it and the opportunities read it:
//! its events and the stages they fold to. The pipeline crate decides these events (and owns
//! the stream's snapshots); an opportunity needs the stages of its pipeline, as they stand or
//! as they stood, so the events' shapes and their one fold live here, shared.

use event_sourcing::store::Snapshot;
use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::streams::PIPELINE;

/// The shape of the pipeline aggregate's snapshots, which [`PipelineStages`] reads.
pub const PIPELINE_SNAPSHOT_SHAPE: u32 = 1;

/// What reaching a stage means for an opportunity.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    #[default]
    Open,
    Won,
    Lost,
}

impl Outcome {
    pub const NAMES: &'static [&'static str] = &["open", "won", "lost"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "open" => Some(Outcome::Open),
            "won" => Some(Outcome::Won),
            "lost" => Some(Outcome::Lost),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub stage_id: String,
    pub label: String,
    /// Percent, 0 to 100: the chance an opportunity in this stage is won.
    pub probability: u8,
    pub outcome: Outcome,
    #[serde(default)]
    pub archived: bool,
}

/// A pipeline: its name and its stages in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineDetails {
    pub pipeline_id: String,
    pub name: String,
    pub stages: Vec<Stage>,
}

impl PipelineDetails {
    pub fn find(&self, stage_id: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.stage_id == stage_id)
    }

    pub fn position(&self, stage_id: &str) -> Option<usize> {
        self.stages
            .iter()
            .position(|stage| stage.stage_id == stage_id)
    }

    /// The one stage with this outcome (a pipeline has exactly one won and one lost stage).
    pub fn closing(&self, outcome: Outcome) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.outcome == outcome)
    }

    /// The first open stage that is not archived: where a new opportunity starts.
    pub fn first_open(&self) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|stage| stage.outcome == Outcome::Open && !stage.archived)
    }

    /// The one fold of a pipeline's events, for the aggregate and for [`PipelineStages`]:
    /// none before it is created; every event is named.
    pub fn evolve(pipeline: Option<Self>, event: &PipelineEvent) -> Option<Self> {
        match (pipeline, event) {
            (None, PipelineEvent::PipelineCreated(created)) => Some(PipelineDetails {
                pipeline_id: created.pipeline_id.clone(),
                name: created.name.clone(),
                stages: created.stages.clone(),
            }),
            (None, _) => None,
            (Some(mut details), event) => {
                details.apply(event);
                Some(details)
            }
        }
    }

    fn apply(&mut self, event: &PipelineEvent) {
        match event {
            // Pipelines are created once.
            PipelineEvent::PipelineCreated(_) => {}
            PipelineEvent::StageAdded(added) => {
                let at = added.position.min(self.stages.len());
                self.stages.insert(at, added.stage.clone());
            }
            PipelineEvent::StageEdited(edited) => {
                if let Some(from) = self.position(&edited.stage_id) {
                    let mut stage = self.stages.remove(from);
                    stage.label.clone_from(&edited.label);
                    stage.probability = edited.probability;
                    let to = edited.position.min(self.stages.len());
                    self.stages.insert(to, stage);
                }
            }
            PipelineEvent::StageArchived(archived) => {
                for stage in &mut self.stages {
                    if stage.stage_id == archived.stage_id {
                        stage.archived = true;
                    }
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineCreated {
    pub pipeline_id: String,
    pub name: String,
    pub stages: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageAdded {
    pub pipeline_id: String,
    pub stage: Stage,
    /// Its place among all the stages once added.
    pub position: usize,
}

/// The stage's label, probability and place after the edit, and before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageEdited {
    pub pipeline_id: String,
    pub stage_id: String,
    pub label: String,
    pub probability: u8,
    pub position: usize,
    pub previous_label: String,
    pub previous_probability: u8,
    pub previous_position: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageArchived {
    pub pipeline_id: String,
    pub stage_id: String,
}

/// Every event of a pipeline's stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum PipelineEvent {
    PipelineCreated(PipelineCreated),
    StageAdded(StageAdded),
    StageEdited(StageEdited),
    StageArchived(StageArchived),
}

impl DomainEvent for PipelineEvent {}

/// A pipeline as the other aggregates read it: its stages once created. It reads the pipeline
/// aggregate's snapshot (never stores one), so it costs one read of the stream's end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStages(pub Option<PipelineDetails>);

impl Aggregate for PipelineStages {
    const TYPE: &'static str = PIPELINE;
    const SNAPSHOT_SHAPE: Option<u32> = None;
    const READS_SNAPSHOTS: bool = true;
    type Event = PipelineEvent;

    fn evolve(self, event: &PipelineEvent) -> Self {
        PipelineStages(PipelineDetails::evolve(self.0, event))
    }

    /// The pipeline aggregate's snapshot is `"NotCreated"` or `{"Active": {pipelineId, ..}}`.
    fn restore(snapshot: &Snapshot) -> Option<Self> {
        if snapshot.shape != PIPELINE_SNAPSHOT_SHAPE {
            return None;
        }
        match serde_json::from_str::<serde_json::Value>(&snapshot.state).ok()? {
            serde_json::Value::String(unit) if unit == "NotCreated" => Some(PipelineStages(None)),
            serde_json::Value::Object(mut fields) if fields.len() == 1 => {
                let details = serde_json::from_value(fields.remove("Active")?).ok()?;
                Some(PipelineStages(Some(details)))
            }
            _ => None,
        }
    }
}
