//! The Case aggregate. `case` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod add_interaction;
pub mod case;
pub mod close_case;
pub mod create_case;
pub mod get_case;

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
    ]
}
