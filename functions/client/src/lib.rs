//! The Client aggregate. `client` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod client;
pub mod create_client;
pub mod edit_client;
pub mod get_client;
pub mod link_contact;
pub mod list_clients;
pub mod unlink_contact;

pub use client::{Client, ClientDetails, ClientError, ClientEvent};

use shared::routes::Route;

/// Every client slice: method, path, Lambda binary, handler.
pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            "POST",
            "/api/clients",
            "create-client",
            create_client::handle,
        ),
        Route::new("GET", "/api/clients/{id}", "get-client", get_client::handle),
        Route::new(
            "PUT",
            "/api/clients/{id}",
            "edit-client",
            edit_client::handle,
        ),
        Route::new(
            "PATCH",
            "/api/clients/{id}",
            "edit-client",
            edit_client::handle,
        ),
        Route::new(
            "POST",
            "/api/clients/{id}/contacts",
            "link-contact",
            link_contact::handle,
        ),
        Route::new(
            "DELETE",
            "/api/clients/{id}/contacts/{contactId}",
            "unlink-contact",
            unlink_contact::handle,
        ),
        Route::new("GET", "/api/clients", "list-clients", list_clients::handle),
    ]
}

/// The read models folded from client streams.
pub fn projections() -> Vec<std::sync::Arc<dyn shared::projection::Projection>> {
    use shared::projection::ViewProjection;
    vec![std::sync::Arc::new(ViewProjection::<
        list_clients::ClientSummary,
    >::default())]
}

/// Every subscriber the client slices register.
pub fn subscribers() -> shared::Subscribers {
    link_contact::subscribers().merge(unlink_contact::subscribers())
}
