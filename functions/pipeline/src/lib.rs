//! The Pipeline aggregate: a sales pipeline's stages, in order, with their probabilities.
//! `pipeline` holds its state and its one `evolve`; every other module is a slice: one use
//! case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod add_stage;
pub mod archive_stage;
pub mod create_pipeline;
pub mod edit_stage;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_pipeline;
pub mod list_pipelines;
pub mod pipeline;
#[cfg(feature = "lambda")]
pub mod representation;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use pipeline::{Outcome, Pipeline, PipelineDetails, PipelineError, PipelineEvent, Stage};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every pipeline slice. Each Lambda `main`, the test router, the stream consumer, the local
/// router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::PIPELINE,
        vec![
            create_pipeline::slice(),
            get_pipeline::slice(),
            http_api::history::slice::<Pipeline>(
                "get-pipeline-history",
                "/api/pipelines/{id}/history",
            ),
            list_pipelines::slice(),
            add_stage::slice(),
            edit_stage::slice(),
            archive_stage::slice(),
        ],
    )
}
