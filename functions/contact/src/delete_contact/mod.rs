//! delete-contact: `DELETE /api/contacts/{id}[?cascade=true]`.
//!
//! A contact linked to clients is not deleted silently: the [`CascadeToClients`] subscriber
//! cancels the delete (409) unless `cascade=true`, and then unlinks the contact from every
//! client it is linked to in the same transaction as the deletion.

#[cfg(feature = "lambda")]
mod http;
mod subscriber;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
pub use subscriber::CascadeToClients;

use crate::contact::{Contact, ContactError, ContactEvent};

pub const CONTACT_DELETED: &str = "ContactDeleted";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteContact {
    pub contact_id: String,
    /// Also unlink the contact from its clients.
    pub cascade: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDeleted {
    pub contact_id: String,
    /// The clients linked when it was deleted: the cascade unlinks exactly these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_client_ids: Vec<String>,
    #[serde(default)]
    pub cascade: bool,
}

pub fn decide(state: &Contact, command: DeleteContact) -> Result<Vec<ContactEvent>, ContactError> {
    let contact = state.active(&command.contact_id)?;
    Ok(vec![ContactEvent::ContactDeleted(ContactDeleted {
        contact_id: command.contact_id,
        linked_client_ids: contact.clients.iter().cloned().collect(),
        cascade: command.cascade,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, deleted, linked};
    use event_sourcing::testing::given;

    fn delete(cascade: bool) -> DeleteContact {
        DeleteContact {
            contact_id: "c1".into(),
            cascade,
        }
    }

    #[test]
    fn given_contact_when_deleted_then_contact_deleted() {
        given::<Contact>([created()])
            .when(|state| decide(state, delete(false)))
            .then([deleted(&[])]);
    }

    #[test]
    fn given_linked_contact_when_deleted_then_event_names_its_clients() {
        given::<Contact>([created(), linked("k2"), linked("k1")])
            .when(|state| decide(state, delete(true)))
            .then([deleted(&["k1", "k2"])]);
    }

    #[test]
    fn given_deleted_contact_when_deleted_again_then_refused() {
        given::<Contact>([created(), deleted(&[])])
            .when(|state| decide(state, delete(false)))
            .then_error(ContactError::Deleted("c1".into()));
    }

    #[test]
    fn given_no_contact_when_deleted_then_not_found() {
        given::<Contact>([])
            .when(|state| decide(state, delete(false)))
            .then_error(ContactError::NotFound("c1".into()));
    }
}
