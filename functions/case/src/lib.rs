//! The Case aggregate. `case` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod add_interaction;
pub mod case;
pub mod change_case_status;
pub mod close_case;
pub mod create_case;
pub mod edit_case;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_case;
pub mod get_sla_report;
pub mod list_due_cases;
pub mod list_open_cases;
pub mod policies;
pub mod record_sla_breaches;
#[cfg(feature = "lambda")]
pub mod representation;
pub mod sla;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use case::{Case, CaseDetails, CaseError, CaseEvent, Interaction, InteractionType};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every case slice. Each Lambda `main`, the test router, the stream consumer, the local
/// router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::CASE,
        vec![
            create_case::slice(),
            get_case::slice(),
            http_api::history::slice::<Case>("get-case-history", "/api/cases/{id}/history"),
            add_interaction::slice(),
            close_case::slice(),
            list_open_cases::slice(),
            edit_case::slice(),
            change_case_status::slice(),
            list_due_cases::slice(),
            get_sla_report::slice(),
        ],
    )
    .holding_personal_data::<Case>()
}
