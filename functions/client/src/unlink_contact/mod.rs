//! unlink-contact: `DELETE /api/clients/{id}/contacts/{contactId}`.

mod http;
mod subscriber;

use contact::links::{ClientContactUnlink, UnlinkCause};
pub use http::handle;
pub use subscriber::{subscribers, RecordUnlinkOnContact};

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
    use crate::create_client::ClientCreated;
    use contact::links::ClientContactLink;
    use shared::Aggregate;

    fn unlink() -> UnlinkContact {
        UnlinkContact {
            client_id: "k1".into(),
            contact_id: "c1".into(),
        }
    }

    fn acme(linked: bool) -> Client {
        let mut events = vec![ClientEvent::ClientCreated(ClientCreated {
            client_id: "k1".into(),
            name: "Acme".into(),
            industry: None,
        })];
        if linked {
            events.push(ClientEvent::ContactLinked(ClientContactLink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
            }));
        }
        Client::from_events(&events)
    }

    #[test]
    fn given_linked_contact_when_unlinked_then_contact_unlinked() {
        assert_eq!(
            decide(&acme(true), unlink()),
            Ok(vec![ClientEvent::ContactUnlinked(ClientContactUnlink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
                cause: UnlinkCause::Requested,
            })])
        );
    }

    #[test]
    fn given_unlinked_contact_when_unlinked_then_not_linked() {
        assert_eq!(
            decide(&acme(false), unlink()),
            Err(ClientError::NotLinked {
                client_id: "k1".into(),
                contact_id: "c1".into()
            })
        );
    }
}
