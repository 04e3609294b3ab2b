//! unlink-contact: `DELETE /api/clients/{id}/contacts/{contactId}`.

#[cfg(feature = "lambda")]
mod http;

use contracts::links::{ClientContactLink, ClientContactUnlink, UnlinkCause};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::client::{Client, ClientError, ClientEvent};

/// An unlink is asked for by naming the pair.
pub type UnlinkContact = ClientContactLink;

pub fn decide(state: &Client, link: UnlinkContact) -> Result<Vec<ClientEvent>, ClientError> {
    if !state
        .active(&link.client_id)?
        .contacts
        .contains(&link.contact_id)
    {
        return Err(ClientError::NotLinked(link));
    }
    Ok(vec![ClientEvent::ContactUnlinked(ClientContactUnlink {
        client_id: link.client_id,
        contact_id: link.contact_id,
        cause: UnlinkCause::Requested,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, linked, unlinked};
    use event_sourcing::testing::given;

    fn unlink() -> UnlinkContact {
        UnlinkContact {
            client_id: "k1".into(),
            contact_id: "c1".into(),
        }
    }

    #[test]
    fn given_linked_contact_when_unlinked_then_contact_unlinked() {
        given::<Client>([created(), linked("c1")])
            .when(|state| decide(state, unlink()))
            .then([unlinked("c1", UnlinkCause::Requested)]);
    }

    #[test]
    fn given_unlinked_contact_when_unlinked_then_not_linked() {
        given::<Client>([created()])
            .when(|state| decide(state, unlink()))
            .then_error(ClientError::NotLinked(unlink()));
    }
}
