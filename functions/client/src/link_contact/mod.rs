//! link-contact: `POST /api/clients/{id}/contacts` with `{ "contactId": ... }`.
//!
//! The client decides (it must exist, the contact must not be linked yet); the
//! [`RecordLinkOnContact`] subscriber checks the contact exists and is not deleted, and records
//! the link on the contact's stream in the same transaction.

mod http;
mod subscriber;

use contracts::links::ClientContactLink;
pub use http::{handle, slice};
pub use subscriber::RecordLinkOnContact;

use crate::client::{Client, ClientError, ClientEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkContact {
    pub client_id: String,
    pub contact_id: String,
}

pub fn decide(state: &Client, command: LinkContact) -> Result<Vec<ClientEvent>, ClientError> {
    let client = state.active(&command.client_id)?;
    if client.contacts.contains(&command.contact_id) {
        return Err(ClientError::AlreadyLinked {
            client_id: command.client_id,
            contact_id: command.contact_id,
        });
    }
    Ok(vec![ClientEvent::ContactLinked(ClientContactLink {
        client_id: command.client_id,
        contact_id: command.contact_id,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, linked};
    use shared::testing::given;

    fn link() -> LinkContact {
        LinkContact {
            client_id: "k1".into(),
            contact_id: "c1".into(),
        }
    }

    #[test]
    fn given_client_when_contact_linked_then_contact_linked() {
        given::<Client>([created()])
            .when(|state| decide(state, link()))
            .then([linked("c1")]);
    }

    #[test]
    fn given_linked_contact_when_linked_again_then_conflict() {
        given::<Client>([created(), linked("c1")])
            .when(|state| decide(state, link()))
            .then_error(ClientError::AlreadyLinked {
                client_id: "k1".into(),
                contact_id: "c1".into(),
            });
    }

    #[test]
    fn given_no_client_when_linked_then_not_found() {
        given::<Client>([])
            .when(|state| decide(state, link()))
            .then_error(ClientError::NotFound("k1".into()));
    }
}
