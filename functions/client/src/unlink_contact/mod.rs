//! unlink-contact: `DELETE /api/clients/{id}/contacts/{contactId}`.

mod http;
mod subscriber;

use contracts::links::{ClientContactUnlink, UnlinkCause};
pub use http::{handle, slice};
pub use subscriber::RecordUnlinkOnContact;

use crate::client::{Client, ClientError, ClientEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnlinkContact {
    pub client_id: String,
    pub contact_id: String,
}

pub fn decide(state: &Client, command: UnlinkContact) -> Result<Vec<ClientEvent>, ClientError> {
    let client = state.active(&command.client_id)?;
    if !client.contacts.contains(&command.contact_id) {
        return Err(ClientError::NotLinked {
            client_id: command.client_id,
            contact_id: command.contact_id,
        });
    }
    Ok(vec![ClientEvent::ContactUnlinked(ClientContactUnlink {
        client_id: command.client_id,
        contact_id: command.contact_id,
        cause: UnlinkCause::Requested,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, linked, unlinked};
    use shared::testing::given;

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
            .then_error(ClientError::NotLinked {
                client_id: "k1".into(),
                contact_id: "c1".into(),
            });
    }
}
