//! The Case aggregate. `case` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod add_interaction;
pub mod case;
pub mod close_case;
pub mod create_case;
pub mod get_case;
pub mod open_cases;

pub use case::{Case, CaseDetails, CaseError, CaseEvent, Interaction, InteractionType};

use shared::routes::Route;

/// Every case slice: method, path, Lambda binary, handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new("POST", "/api/cases", "create-case", create_case::handle),
        Route::new("GET", "/api/cases/{id}", "get-case", get_case::handle),
        Route::new(
            "POST",
            "/api/cases/{id}/interactions",
            "add-interaction",
            add_interaction::handle,
        ),
        Route::new(
            "POST",
            "/api/cases/{id}/close",
            "close-case",
            close_case::handle,
        ),
        Route::new("GET", "/api/cases/open", "open-cases", open_cases::handle),
    ]
}

/// The read models folded from case streams.
pub fn projections() -> Vec<std::sync::Arc<dyn shared::projection::Projection>> {
    use shared::projection::ViewProjection;
    vec![std::sync::Arc::new(
        ViewProjection::<open_cases::CaseSummary>::default(),
    )]
}
