//! The Opportunity aggregate: what a sales team hopes to sell a client, moving through the
//! stages of a pipeline, with exact money. `opportunity` holds its state and its one
//! `evolve`; `money` its amounts; every other module is a slice: one use case with its
//! command, event, `decide`, HTTP adapter and Lambda `main`. It reads clients and pipelines
//! through `contracts` (`ClientName`, `PipelineStages`), never their crates.

pub mod add_opportunity_contact;
pub mod change_stage;
pub mod close_opportunity;
pub mod create_opportunity;
pub mod dates;
pub mod edit_opportunity;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_opportunity;
pub mod list_opportunities;
pub mod money;
pub mod opportunity;
pub mod pipeline_figures;
#[cfg(feature = "lambda")]
pub mod pipeline_forecast;
#[cfg(feature = "lambda")]
pub mod pipeline_summary;
#[cfg(feature = "lambda")]
pub mod pipeline_velocity;
pub mod policies;
pub mod remove_opportunity_contact;
pub mod reopen_opportunity;
#[cfg(feature = "lambda")]
pub mod representation;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use opportunity::{
    Opportunity, OpportunityDetails, OpportunityError, OpportunityEvent, Status,
};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every opportunity slice. Each Lambda `main`, the test router, the stream consumer, the
/// local router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::OPPORTUNITY,
        vec![
            create_opportunity::slice(),
            get_opportunity::slice(),
            http_api::history::slice::<Opportunity>(
                "get-opportunity-history",
                "/api/opportunities/{id}/history",
            ),
            edit_opportunity::slice(),
            change_stage::slice(),
            close_opportunity::slice(),
            reopen_opportunity::slice(),
            add_opportunity_contact::slice(),
            remove_opportunity_contact::slice(),
            list_opportunities::slice(),
            pipeline_summary::slice(),
            pipeline_forecast::slice(),
            pipeline_velocity::slice(),
        ],
    )
    .holding_personal_data::<Opportunity>()
}
