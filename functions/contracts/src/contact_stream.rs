//! A contact's stream as the other aggregates see it: whether the contact can be named (it
//! exists, and was neither deleted nor erased) and which clients it is linked to, and the
//! events they record on it in the same transaction as their own (a link, an unlink, a case
//! interaction that names the person).
//!
//! The contact crate owns the stream and its snapshot. [`ContactRecord`] reads that snapshot
//! (never stores one), so checking a contact costs one read of the stream's end however long
//! the stream grows; the contact crate's tests hold both readings equal.

use std::collections::BTreeSet;

use event_sourcing::store::Snapshot;
use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::links::{ClientContactLink, ClientContactUnlink};
use crate::streams::CONTACT;

/// The shape of the contact aggregate's snapshots, which [`ContactRecord`] reads: raising it
/// here raises it for the contact aggregate, whose tests then check this reading again.
pub const CONTACT_SNAPSHOT_SHAPE: u32 = 1;

/// A case interaction that names a contact, recorded on the contact's stream by the case
/// crate's policy in the same transaction as the interaction.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseMention {
    pub case_id: String,
    pub interaction_id: String,
}

/// The events of a contact's stream this contract knows. The ones other aggregates record are
/// stored exactly as the contact aggregate's own; the lifecycle ones are read by type alone
/// (their payloads are the contact's business) and never recorded from here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum ContactStreamEvent {
    LinkedToClient(ClientContactLink),
    UnlinkedFromClient(ClientContactUnlink),
    MentionedInCase(CaseMention),
    #[serde(skip)]
    Created,
    #[serde(skip)]
    Deleted,
    #[serde(skip)]
    Erased,
    /// Any other contact event (an edit): not part of this contract.
    #[serde(skip)]
    Other,
}

impl DomainEvent for ContactStreamEvent {
    fn decode(event_type: &str, payload: &serde_json::Value) -> Result<Self, serde_json::Error> {
        match event_type {
            "ContactCreated" => Ok(ContactStreamEvent::Created),
            "ContactDeleted" => Ok(ContactStreamEvent::Deleted),
            "ContactErased" => Ok(ContactStreamEvent::Erased),
            "LinkedToClient" | "UnlinkedFromClient" | "MentionedInCase" => serde_json::from_value(
                serde_json::json!({ "eventType": event_type, "payload": payload }),
            ),
            _ => Ok(ContactStreamEvent::Other),
        }
    }
}

/// Where a contact's life stands, as far as naming it goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactStatus {
    #[default]
    NotCreated,
    Active,
    Deleted,
    /// The person's data is gone; the id stays taken.
    Erased,
}

/// Why a contact cannot be named: worded as the contact aggregate words it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactUnusable {
    #[error("contact {0} does not exist")]
    NotFound(String),
    #[error("contact {0} was deleted")]
    Deleted(String),
    #[error("contact {0} was erased")]
    Erased(String),
}

/// A contact as the contract sees it: where its life stands, and its linked clients.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub status: ContactStatus,
    /// The clients it is linked to (kept by a deleted contact, as the contact aggregate does).
    pub clients: BTreeSet<String>,
}

impl ContactRecord {
    /// The live contact's linked clients, or why it cannot be named.
    pub fn active(&self, id: &str) -> Result<&BTreeSet<String>, ContactUnusable> {
        match self.status {
            ContactStatus::Active => Ok(&self.clients),
            ContactStatus::NotCreated => Err(ContactUnusable::NotFound(id.to_owned())),
            ContactStatus::Deleted => Err(ContactUnusable::Deleted(id.to_owned())),
            ContactStatus::Erased => Err(ContactUnusable::Erased(id.to_owned())),
        }
    }
}

impl Aggregate for ContactRecord {
    const TYPE: &'static str = CONTACT;
    /// The contact aggregate owns the stream's snapshot: this view reads it, never stores one.
    const SNAPSHOT_SHAPE: Option<u32> = None;
    const READS_SNAPSHOTS: bool = true;
    type Event = ContactStreamEvent;

    /// As the contact aggregate's `evolve`: a creation after an erasure changes nothing, a
    /// deletion ends only a live contact, links change only a live one, an erasure ends all.
    fn evolve(mut self, event: &ContactStreamEvent) -> Self {
        let active = self.status == ContactStatus::Active;
        match event {
            ContactStreamEvent::Created if self.status == ContactStatus::Erased => {}
            ContactStreamEvent::Created => {
                self = ContactRecord {
                    status: ContactStatus::Active,
                    clients: BTreeSet::new(),
                }
            }
            ContactStreamEvent::Deleted if active => self.status = ContactStatus::Deleted,
            ContactStreamEvent::LinkedToClient(link) if active => {
                self.clients.insert(link.client_id.clone());
            }
            ContactStreamEvent::UnlinkedFromClient(unlink) if active => {
                self.clients.remove(&unlink.client_id);
            }
            ContactStreamEvent::Erased => {
                self = ContactRecord {
                    status: ContactStatus::Erased,
                    clients: BTreeSet::new(),
                }
            }
            _ => {}
        }
        self
    }

    /// The contact aggregate's snapshot is its state as serde writes an enum: `"NotCreated"`,
    /// `{"Active": {.., "clients": [..]}}`, `{"Deleted": {..}}` or `"Erased"`. Anything else is
    /// not read.
    fn restore(snapshot: &Snapshot) -> Option<Self> {
        if snapshot.shape != CONTACT_SNAPSHOT_SHAPE {
            return None;
        }
        let state: serde_json::Value = serde_json::from_str(&snapshot.state).ok()?;
        let (variant, details) = match &state {
            serde_json::Value::String(unit) => (unit.as_str(), None),
            serde_json::Value::Object(fields) if fields.len() == 1 => {
                fields.iter().next().map(|(k, v)| (k.as_str(), Some(v)))?
            }
            _ => return None,
        };
        let clients = |details: Option<&serde_json::Value>| -> Option<BTreeSet<String>> {
            serde_json::from_value(details?.get("clients")?.clone()).ok()
        };
        let (status, clients) = match variant {
            "NotCreated" => (ContactStatus::NotCreated, BTreeSet::new()),
            "Erased" => (ContactStatus::Erased, BTreeSet::new()),
            "Active" => (ContactStatus::Active, clients(details)?),
            "Deleted" => (ContactStatus::Deleted, clients(details)?),
            _ => return None,
        };
        Some(ContactRecord { status, clients })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(state: &str) -> Snapshot {
        Snapshot {
            version: 9,
            shape: CONTACT_SNAPSHOT_SHAPE,
            state: state.to_owned(),
        }
    }

    #[test]
    fn a_contact_snapshot_reads_as_its_record_and_nothing_else_does() {
        assert_eq!(
            ContactRecord::restore(&snapshot(
                r#"{"Active":{"contactId":"c1","clients":["k1"]}}"#
            )),
            Some(ContactRecord {
                status: ContactStatus::Active,
                clients: BTreeSet::from(["k1".to_owned()]),
            })
        );
        assert_eq!(
            ContactRecord::restore(&snapshot(r#""Erased""#)).map(|r| r.status),
            Some(ContactStatus::Erased)
        );
        for unreadable in [
            r#"{"Archived":{}}"#,
            r#"{"Active":{}}"#,
            r#"{"Active":{"clients":[]},"Deleted":{"clients":[]}}"#,
            "[]",
            "x",
        ] {
            assert_eq!(
                ContactRecord::restore(&snapshot(unreadable)),
                None,
                "{unreadable}"
            );
        }
        let other_shape = Snapshot {
            shape: CONTACT_SNAPSHOT_SHAPE + 1,
            ..snapshot(r#""Erased""#)
        };
        assert_eq!(ContactRecord::restore(&other_shape), None);
    }

    #[test]
    fn the_lifecycle_events_are_never_recorded_from_here() {
        for event in [
            ContactStreamEvent::Created,
            ContactStreamEvent::Deleted,
            ContactStreamEvent::Erased,
            ContactStreamEvent::Other,
        ] {
            assert!(event.encode().is_err(), "{event:?}");
        }
    }
}
