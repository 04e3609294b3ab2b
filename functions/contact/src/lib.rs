//! The Contact aggregate. `contact` holds its state and its one `evolve`; every other module is
//! a slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod contact;
pub mod create_contact;
pub mod delete_contact;
pub mod edit_contact;
pub mod get_contact;
pub mod links;

pub use contact::{Contact, ContactDetails, ContactError, ContactEvent};
