//! Contact state and `evolve` (the original's project-contact).

use std::collections::BTreeSet;

use contracts::links::{ClientContactLink, ClientContactUnlink};
use contracts::opportunity_stream::OpportunityMention;
use contracts::task_stream::TaskMention;
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind};
use serde::{Deserialize, Serialize};

use event_sourcing::personal::PersonalData;

use crate::create_contact::ContactCreated;
use crate::delete_contact::ContactDeleted;
use crate::edit_contact::ContactEdited;
use crate::erase_contact::ContactErased;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// Ids of the clients this contact is linked to.
    #[serde(default)]
    pub clients: BTreeSet<String>,
}

/// A case interaction that names a contact, recorded on its stream by the case crate.
pub use contracts::contact_stream::CaseMention;

/// The fields of a contact's events that are the person's data: sealed with their key.
pub const PERSONAL_FIELDS: &[&str] = &["name", "email", "phone"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Contact {
    #[default]
    NotCreated,
    Active(ContactDetails),
    Deleted(ContactDetails),
    /// Erased: the person's data is gone; the id stays taken.
    Erased,
}

impl Contact {
    /// The record, live or deleted (a deleted contact's data is still held).
    pub fn held(&self) -> Option<&ContactDetails> {
        match self {
            Contact::Active(details) | Contact::Deleted(details) => Some(details),
            Contact::NotCreated | Contact::Erased => None,
        }
    }

    /// The live contact, or why there is none.
    pub fn active(&self, id: &str) -> Result<&ContactDetails, ContactError> {
        match self {
            Contact::Active(details) => Ok(details),
            Contact::NotCreated => Err(ContactError::NotFound(id.to_owned())),
            Contact::Deleted(_) => Err(ContactError::Deleted(id.to_owned())),
            Contact::Erased => Err(ContactError::Erased(id.to_owned())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum ContactEvent {
    ContactCreated(ContactCreated),
    ContactEdited(ContactEdited),
    ContactDeleted(ContactDeleted),
    LinkedToClient(ClientContactLink),
    UnlinkedFromClient(ClientContactUnlink),
    MentionedInCase(CaseMention),
    NamedOnOpportunity(OpportunityMention),
    UnnamedFromOpportunity(OpportunityMention),
    TaskAttached(TaskMention),
    ContactErased(ContactErased),
}

impl DomainEvent for ContactEvent {
    fn personal_data(&self) -> Option<PersonalData> {
        let contact_id = match self {
            ContactEvent::ContactCreated(created) => &created.contact_id,
            ContactEvent::ContactEdited(edited) => &edited.contact_id,
            _ => return None,
        };
        Some(PersonalData::of(
            Contact::stream(contact_id),
            PERSONAL_FIELDS,
        ))
    }
}

impl Aggregate for Contact {
    const TYPE: &'static str = contracts::streams::CONTACT;
    const SNAPSHOT_SHAPE: Option<u32> = Some(1);
    type Event = ContactEvent;

    /// Every event is named: a new event does not compile until it is decided here. Events
    /// that never follow the state they meet (an edit of a deleted contact) leave it as it is.
    fn evolve(self, event: &ContactEvent) -> Self {
        match event {
            ContactEvent::ContactCreated(_) if self == Contact::Erased => self,
            ContactEvent::ContactCreated(created) => Contact::Active(ContactDetails {
                contact_id: created.contact_id.clone(),
                name: created.name.clone(),
                email: created.email.clone(),
                phone: created.phone.clone(),
                clients: BTreeSet::new(),
            }),
            ContactEvent::ContactEdited(edited) => self.if_active(|details| ContactDetails {
                name: edited.name.clone(),
                email: edited.email.clone(),
                phone: edited.phone.clone(),
                ..details
            }),
            ContactEvent::ContactDeleted(_) => match self {
                Contact::Active(details) => Contact::Deleted(details),
                other => other,
            },
            ContactEvent::LinkedToClient(link) => self.if_active(|mut details| {
                details.clients.insert(link.client_id.clone());
                details
            }),
            ContactEvent::UnlinkedFromClient(unlink) => self.if_active(|mut details| {
                details.clients.remove(&unlink.client_id);
                details
            }),
            // Read by export from the stream itself: the record does not grow with mentions.
            // Where the person is named is found from the stream (the export), not the state.
            ContactEvent::MentionedInCase(_)
            | ContactEvent::NamedOnOpportunity(_)
            | ContactEvent::UnnamedFromOpportunity(_)
            | ContactEvent::TaskAttached(_) => self,
            // Whatever it was, nothing of the person remains.
            ContactEvent::ContactErased(_) => Contact::Erased,
        }
    }
}

impl Contact {
    fn if_active(self, change: impl FnOnce(ContactDetails) -> ContactDetails) -> Self {
        match self {
            Contact::Active(details) => Contact::Active(change(details)),
            other => other,
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("contact {0} does not exist")]
    NotFound(String),
    #[error("contact {0} was deleted")]
    Deleted(String),
    #[error("contact {0} already exists")]
    AlreadyExists(String),
    #[error("contact {0} was erased")]
    Erased(String),
}

impl DomainError for ContactError {
    fn kind(&self) -> ErrorKind {
        match self {
            ContactError::NotFound(_) | ContactError::Deleted(_) => ErrorKind::NotFound,
            ContactError::AlreadyExists(_) => ErrorKind::Conflict,
            ContactError::Erased(_) => ErrorKind::Gone,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{ada, created, deleted, edited, linked, unlinked};

    #[test]
    fn evolve_follows_the_life_of_a_contact() {
        let edited_ada = ContactDetails {
            name: "Ada L".into(),
            email: "ada@example.org".into(),
            phone: Some("+44 20 7946 0000".into()),
            ..ada()
        };
        let state = Contact::from_events(&[created(), edited(&edited_ada)]);
        assert_eq!(state, Contact::Active(edited_ada.clone()));
        // A deleted contact stays deleted: later events do not revive it.
        let state = Contact::from_events(&[created(), edited(&edited_ada), deleted(&[])])
            .evolve(&edited(&ada()));
        assert_eq!(state, Contact::Deleted(edited_ada));
        assert_eq!(state.active("c1"), Err(ContactError::Deleted("c1".into())));
    }

    #[test]
    fn evolve_tracks_the_clients_a_contact_is_linked_to() {
        let state = Contact::from_events(&[created(), linked("k1"), linked("k2"), unlinked("k1")]);
        let clients: Vec<_> = state.active("c1").unwrap().clients.iter().collect();
        assert_eq!(clients, ["k2"]);
    }

    #[test]
    fn events_round_trip_through_their_stored_shape() {
        let (event_type, payload) = created().encode().unwrap();
        assert_eq!(event_type, "ContactCreated");
        assert_eq!(payload["contactId"], "c1");
        assert_eq!(
            ContactEvent::decode(&event_type, &payload).unwrap(),
            created()
        );
    }
}
