//! Links between contacts and clients, recorded on both streams in one transaction:
//! `ContactLinked` / `ContactUnlinked` on the client's stream and `LinkedToClient` /
//! `UnlinkedFromClient` on the contact's, so GET on either side shows the link, and a race with
//! a contact's deletion is a conflict, never a dangling link.
//!
//! Who records what:
//! - link-contact decides `ContactLinked`; the contact crate's policy records `LinkedToClient`.
//! - unlink-contact decides `ContactUnlinked`; the contact crate's policy records
//!   `UnlinkedFromClient`.
//! - delete-contact with `?cascade=true` records `ContactUnlinked` (cause `contactDeleted`) on
//!   each linked client's stream, through [`ClientLinks`], without depending on the client
//!   crate.

use std::collections::BTreeSet;

use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::streams::CLIENT;

/// The stored event types of the client stream's link events.
pub const CONTACT_LINKED: &str = "ContactLinked";
pub const CONTACT_UNLINKED: &str = "ContactUnlinked";

/// Payload of `ContactLinked` on a client's stream, and of `LinkedToClient` on a contact's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientContactLink {
    pub client_id: String,
    pub contact_id: String,
}

/// Why a link ended: asked for, or because the contact was deleted with `?cascade=true`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnlinkCause {
    #[default]
    Requested,
    ContactDeleted,
}

/// Payload of `ContactUnlinked` on a client's stream, and of `UnlinkedFromClient` on a contact's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientContactUnlink {
    pub client_id: String,
    pub contact_id: String,
    #[serde(default)]
    pub cause: UnlinkCause,
}

/// The link events of a client's stream, stored exactly as the client aggregate's own
/// `ContactLinked` and `ContactUnlinked` (a test in the client crate holds them equal); every
/// other client event reads as [`ClientLinkEvent::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum ClientLinkEvent {
    ContactLinked(ClientContactLink),
    ContactUnlinked(ClientContactUnlink),
    /// Any other client event: not part of this contract. Never recorded.
    #[serde(skip)]
    Other,
}

impl DomainEvent for ClientLinkEvent {
    fn decode(event_type: &str, payload: &serde_json::Value) -> Result<Self, serde_json::Error> {
        match event_type {
            CONTACT_LINKED | CONTACT_UNLINKED => serde_json::from_value(
                serde_json::json!({ "eventType": event_type, "payload": payload }),
            ),
            _ => Ok(ClientLinkEvent::Other),
        }
    }
}

/// A client's stream as the contract sees it: the contacts linked to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClientLinks {
    pub contacts: BTreeSet<String>,
}

impl Aggregate for ClientLinks {
    const TYPE: &'static str = CLIENT;
    /// The client aggregate owns the stream's snapshot; this view reads the stream whole.
    const SNAPSHOT_SHAPE: Option<u32> = None;
    type Event = ClientLinkEvent;

    fn evolve(mut self, event: &ClientLinkEvent) -> Self {
        match event {
            ClientLinkEvent::ContactLinked(link) => {
                self.contacts.insert(link.contact_id.clone());
            }
            ClientLinkEvent::ContactUnlinked(unlink) => {
                self.contacts.remove(&unlink.contact_id);
            }
            ClientLinkEvent::Other => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_stream_reads_as_its_links_whatever_else_it_holds() {
        let link = |contact: &str| ClientContactLink {
            client_id: "k1".into(),
            contact_id: contact.into(),
        };
        let stored = [
            (
                "ClientCreated",
                serde_json::json!({ "clientId": "k1", "name": "Acme" }),
            ),
            (CONTACT_LINKED, serde_json::to_value(link("c1")).unwrap()),
            (CONTACT_LINKED, serde_json::to_value(link("c2")).unwrap()),
            (
                CONTACT_UNLINKED,
                serde_json::json!({ "clientId": "k1", "contactId": "c1" }),
            ),
        ];
        let events: Vec<ClientLinkEvent> = stored
            .iter()
            .map(|(event_type, payload)| ClientLinkEvent::decode(event_type, payload).unwrap())
            .collect();
        assert_eq!(events[0], ClientLinkEvent::Other);
        let links = ClientLinks::from_events(&events);
        assert_eq!(links.contacts, BTreeSet::from(["c2".to_owned()]));
    }

    #[test]
    fn the_other_client_events_are_never_recorded() {
        assert!(ClientLinkEvent::Other.encode().is_err());
    }
}
