//! link-contact: `POST /api/clients/{id}/contacts` with `{ "contactId": ... }`.
//!
//! The client decides (it must exist, the contact must not be linked yet); the
//! contact crate's `RecordLinkOnContact` policy (composed into this slice's Lambda) checks the
//! contact exists and is not deleted, and records the link on the contact's stream in the same
//! transaction.

#[cfg(feature = "lambda")]
mod http;

use contracts::links::ClientContactLink;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::client::{Client, ClientError, ClientEvent};

/// A link is asked for by naming the pair: the command is the link itself.
pub type LinkContact = ClientContactLink;

pub fn decide(state: &Client, link: LinkContact) -> Result<Vec<ClientEvent>, ClientError> {
    if state
        .active(&link.client_id)?
        .contacts
        .contains(&link.contact_id)
    {
        return Err(ClientError::AlreadyLinked(link));
    }
    Ok(vec![ClientEvent::ContactLinked(link)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, linked};
    use event_sourcing::testing::given;

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
            .then_error(ClientError::AlreadyLinked(link()));
    }

    #[test]
    fn given_no_client_when_linked_then_not_found() {
        given::<Client>([])
            .when(|state| decide(state, link()))
            .then_error(ClientError::NotFound("k1".into()));
    }
}
