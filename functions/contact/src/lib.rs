//! The Contact aggregate. `contact` holds its state and its one `evolve`; every other module is
//! a slice: one use case with its command, event, `decide`, HTTP adapter and Lambda `main`.

pub mod contact;
pub mod create_contact;
pub mod delete_contact;
pub mod edit_contact;
pub mod erase_contact;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_contact;
pub mod list_contacts;
pub mod policies;
#[cfg(feature = "lambda")]
pub mod representation;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use contact::{CaseMention, Contact, ContactDetails, ContactError, ContactEvent};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every contact slice. Each Lambda `main`, the test router, the stream consumer, the local
/// router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::CONTACT,
        vec![
            create_contact::slice(),
            get_contact::slice(),
            http_api::history::slice::<Contact>(
                "get-contact-history",
                "/api/contacts/{id}/history",
            ),
            edit_contact::slice(),
            delete_contact::slice(),
            erase_contact::slice(),
            list_contacts::slice(),
        ],
    )
    .holding_personal_data::<Contact>()
}
