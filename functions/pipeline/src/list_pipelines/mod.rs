//! list-pipelines: `GET /api/pipelines`, cursor-paginated by name, each as `GET
//! /api/pipelines/{id}` answers it without the version.

#[cfg(feature = "lambda")]
mod http;

use event_sourcing::projection::{list_partition, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::pipeline::{Pipeline, PipelineDetails, PipelineEvent};

pub const LIST: &str = "pipelines";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineListing(pub PipelineDetails);

impl View for PipelineListing {
    type Event = PipelineEvent;
    const NAME: &'static str = "pipeline-listing";
    const SOURCE: &'static str = contracts::streams::PIPELINE;

    /// The listing is the pipeline's own state: a pipeline is small (at most 30 stages), and
    /// its one `evolve` decides what every event means.
    fn apply(view: Option<Self>, event: &PipelineEvent) -> Option<Self> {
        use event_sourcing::Aggregate;
        let state = view.map_or(Pipeline::NotCreated, |view| Pipeline::Active(view.0));
        match state.evolve(event) {
            Pipeline::Active(details) => Some(PipelineListing(details)),
            Pipeline::NotCreated => None,
        }
    }

    fn index(&self) -> Vec<IndexEntry> {
        vec![IndexEntry {
            index: Index::List,
            pk: list_partition(LIST, &self.0.pipeline_id),
            sk: format!("{}#{}", self.0.name.to_lowercase(), self.0.pipeline_id),
        }]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::fixtures::{added, archived, created};

    #[test]
    fn given_a_pipelines_events_then_the_listing_is_its_state() {
        let events = [created(), added("demo", "Demo", 40, 1), archived("demo")];
        let view = events.iter().fold(None, PipelineListing::apply).unwrap();
        assert_eq!(
            Pipeline::Active(view.0.clone()),
            <Pipeline as event_sourcing::Aggregate>::from_events(&events)
        );
        assert_eq!(view.index()[0].sk, "sales#p1");
    }
}
