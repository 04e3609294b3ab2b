//! The Contact aggregate. `contact` holds its state and its one `evolve`; every other module is
//! a slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod contact;
pub mod create_contact;
pub mod delete_contact;
pub mod edit_contact;
pub mod get_contact;
pub mod links;
pub mod list_contacts;

pub use contact::{Contact, ContactDetails, ContactError, ContactEvent};

use shared::routes::Route;

/// Every contact slice: method, path, Lambda binary, handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            "POST",
            "/api/contacts",
            "create-contact",
            create_contact::handle,
        ),
        Route::new(
            "GET",
            "/api/contacts/{id}",
            "get-contact",
            get_contact::handle,
        ),
        Route::new(
            "PUT",
            "/api/contacts/{id}",
            "edit-contact",
            edit_contact::handle,
        ),
        Route::new(
            "PATCH",
            "/api/contacts/{id}",
            "edit-contact",
            edit_contact::handle,
        ),
        Route::new(
            "DELETE",
            "/api/contacts/{id}",
            "delete-contact",
            delete_contact::handle,
        ),
        Route::new(
            "GET",
            "/api/contacts",
            "list-contacts",
            list_contacts::handle,
        ),
    ]
}

/// The read models folded from contact streams.
pub fn projections() -> Vec<std::sync::Arc<dyn shared::projection::Projection>> {
    use shared::projection::ViewProjection;
    vec![std::sync::Arc::new(ViewProjection::<
        list_contacts::ContactListItem,
    >::default())]
}
