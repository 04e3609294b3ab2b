//! The Client aggregate. `client` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod client;
pub mod create_client;
pub mod edit_client;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_client;
pub mod link_contact;
pub mod list_clients;
pub mod policies;
#[cfg(feature = "lambda")]
pub mod representation;
pub mod unlink_contact;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use client::{Client, ClientDetails, ClientError, ClientEvent};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every client slice. Each Lambda `main`, the test router, the stream consumer, the local
/// router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::CLIENT,
        vec![
            create_client::slice(),
            get_client::slice(),
            http_api::history::slice::<Client>("get-client-history", "/api/clients/{id}/history"),
            edit_client::slice(),
            link_contact::slice(),
            unlink_contact::slice(),
            list_clients::slice(),
        ],
    )
}
