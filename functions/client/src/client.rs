//! Client state and `evolve` (the original's project-client).

use std::collections::BTreeSet;

use contracts::links::{ClientContactLink, ClientContactUnlink};
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind};
use serde::{Deserialize, Serialize};

use crate::create_client::ClientCreated;
use crate::edit_client::ClientEdited;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientDetails {
    pub client_id: String,
    pub name: String,
    pub industry: Option<String>,
    /// Ids of the linked contacts.
    pub contacts: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Client {
    #[default]
    NotCreated,
    Active(ClientDetails),
}

impl Client {
    pub fn active(&self, id: &str) -> Result<&ClientDetails, ClientError> {
        match self {
            Client::Active(details) => Ok(details),
            Client::NotCreated => Err(ClientError::NotFound(id.to_owned())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum ClientEvent {
    ClientCreated(ClientCreated),
    ClientEdited(ClientEdited),
    ContactLinked(ClientContactLink),
    ContactUnlinked(ClientContactUnlink),
    TaskAttached(contracts::task_stream::TaskMention),
}

impl DomainEvent for ClientEvent {}

impl Aggregate for Client {
    const TYPE: &'static str = contracts::streams::CLIENT;
    /// Read by the contract's `ClientName` too (see `contracts::client_stream`).
    const SNAPSHOT_SHAPE: Option<u32> = Some(contracts::client_stream::CLIENT_SNAPSHOT_SHAPE);
    type Event = ClientEvent;

    /// Every event is named: a new event does not compile until it is decided here.
    fn evolve(self, event: &ClientEvent) -> Self {
        if let ClientEvent::ClientCreated(created) = event {
            return Client::Active(ClientDetails {
                client_id: created.client_id.clone(),
                name: created.name.clone(),
                industry: created.industry.clone(),
                contacts: BTreeSet::new(),
            });
        }
        // Clients are never deleted: every later event changes an active client.
        let Client::Active(mut details) = self else {
            return self;
        };
        match event {
            ClientEvent::ClientCreated(_) => {}
            ClientEvent::ClientEdited(edited) => {
                details.name = edited.name.clone();
                details.industry = edited.industry.clone();
            }
            ClientEvent::ContactLinked(link) => {
                details.contacts.insert(link.contact_id.clone());
            }
            ClientEvent::ContactUnlinked(unlink) => {
                details.contacts.remove(&unlink.contact_id);
            }
            // Read from the stream by the history; the record does not grow with its tasks.
            ClientEvent::TaskAttached(_) => {}
        }
        Client::Active(details)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("client {0} does not exist")]
    NotFound(String),
    #[error("client {0} already exists")]
    AlreadyExists(String),
    #[error("contact {} is already linked to client {}", .0.contact_id, .0.client_id)]
    AlreadyLinked(ClientContactLink),
    #[error("contact {} is not linked to client {}", .0.contact_id, .0.client_id)]
    NotLinked(ClientContactLink),
}

impl DomainError for ClientError {
    fn kind(&self) -> ErrorKind {
        match self {
            ClientError::NotFound(_) | ClientError::NotLinked(_) => ErrorKind::NotFound,
            ClientError::AlreadyExists(_) | ClientError::AlreadyLinked(_) => ErrorKind::Conflict,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, edited, linked, unlinked};
    use contracts::links::{ClientLinkEvent, UnlinkCause};

    #[test]
    fn evolve_follows_the_life_of_a_client() {
        let state = Client::from_events(&[
            created(),
            edited("Acme Ltd", None),
            linked("c1"),
            linked("c2"),
            unlinked("c1", UnlinkCause::ContactDeleted),
        ]);
        assert_eq!(
            state,
            Client::Active(ClientDetails {
                client_id: "k1".into(),
                name: "Acme Ltd".into(),
                industry: None,
                contacts: ["c2".to_owned()].into(),
            })
        );
    }

    /// A stored snapshot outlives the build that wrote it: when this sample's JSON changes,
    /// so does the shape, or old snapshots would be read as the new state.
    #[test]
    fn the_snapshot_shape_changes_with_the_state() {
        let sample = Client::from_events(&[created(), linked("c1")]);
        assert_eq!(
            (
                Client::SNAPSHOT_SHAPE,
                serde_json::to_value(&sample).unwrap()
            ),
            (
                Some(1),
                serde_json::json!({ "Active": { "clientId": "k1", "name": "Acme", "industry": null, "contacts": ["c1"] } })
            ),
            "the client's state changed: raise Client::SNAPSHOT_SHAPE and update this sample"
        );
    }

    /// The contract's link events are stored exactly as this aggregate's own.
    #[test]
    fn the_contracts_link_events_are_stored_as_the_clients() {
        let client_events = [linked("c1"), unlinked("c1", UnlinkCause::ContactDeleted)];
        for event in client_events {
            let (event_type, payload) = event.encode().unwrap();
            let contract = ClientLinkEvent::decode(&event_type, &payload).unwrap();
            assert_ne!(contract, ClientLinkEvent::Other);
            assert_eq!(contract.encode().unwrap(), (event_type, payload));
        }
    }
}
