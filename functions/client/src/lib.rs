//! The Client aggregate. `client` holds its state and its one `evolve`; every other module is a
//! slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod client;
pub mod create_client;
pub mod edit_client;
pub mod get_client;
pub mod link_contact;
pub mod unlink_contact;

pub use client::{Client, ClientDetails, ClientError, ClientEvent};
