//! link-contact: `POST /api/clients/{id}/contacts` with `{ "contactId": ... }`.
//!
//! The client decides (it must exist, the contact must not be linked yet); the
//! [`RecordLinkOnContact`] subscriber checks the contact exists and is not deleted, and records
//! the link on the contact's stream in the same transaction.

mod http;
mod subscriber;

use contact::links::ClientContactLink;
pub use http::handle;
pub use subscriber::{subscribers, RecordLinkOnContact};

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
    use crate::create_client::ClientCreated;
    use shared::Aggregate;

    fn link() -> LinkContact {
        LinkContact {
            client_id: "k1".into(),
            contact_id: "c1".into(),
        }
    }

    fn acme() -> Client {
        Client::from_events(&[ClientEvent::ClientCreated(ClientCreated {
            client_id: "k1".into(),
            name: "Acme".into(),
            industry: None,
        })])
    }

    #[test]
    fn given_client_when_contact_linked_then_contact_linked() {
        assert_eq!(
            decide(&acme(), link()),
            Ok(vec![ClientEvent::ContactLinked(ClientContactLink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
            })])
        );
    }

    #[test]
    fn given_linked_contact_when_linked_again_then_conflict() {
        let linked = acme().evolve(&decide(&acme(), link()).unwrap()[0]);
        assert_eq!(
            decide(&linked, link()),
            Err(ClientError::AlreadyLinked {
                client_id: "k1".into(),
                contact_id: "c1".into()
            })
        );
    }

    #[test]
    fn given_no_client_when_linked_then_not_found() {
        assert_eq!(
            decide(&Client::NotCreated, link()),
            Err(ClientError::NotFound("k1".into()))
        );
    }
}
