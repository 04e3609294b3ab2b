//! list-contacts: `GET /api/contacts` (cursor-paginated, by name) and
//! `GET /api/contacts?email=...` (case-insensitive lookup), served from a projection.

#[cfg(feature = "lambda")]
mod http;

use event_sourcing::personal::ERASED;
use event_sourcing::projection::{list_partition, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::contact::ContactEvent;

pub const LIST: &str = "contacts";

/// The contact as lists show it; a deleted contact keeps its item (and version) but leaves
/// every index; an erased one keeps only its id and links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactSummary {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub clients: Vec<String>,
    #[serde(default)]
    pub deleted: bool,
}

pub fn email_key(email: &str) -> String {
    format!("email#{}", email.trim().to_lowercase())
}

impl View for ContactSummary {
    type Event = ContactEvent;
    const NAME: &'static str = "summary";
    const SOURCE: &'static str = contracts::streams::CONTACT;

    /// Every event is named, so a new one does not compile until this view decides on it.
    fn apply(view: Option<Self>, event: &ContactEvent) -> Option<Self> {
        match event {
            ContactEvent::ContactCreated(created) => Some(Self {
                contact_id: created.contact_id.clone(),
                name: created.name.clone(),
                email: created.email.clone(),
                phone: created.phone.clone(),
                clients: Vec::new(),
                deleted: false,
            }),
            ContactEvent::ContactEdited(edited) => view.map(|view| Self {
                name: edited.name.clone(),
                email: edited.email.clone(),
                phone: edited.phone.clone(),
                ..view
            }),
            ContactEvent::ContactDeleted(_) => view.map(|view| Self {
                deleted: true,
                ..view
            }),
            ContactEvent::LinkedToClient(link) => view.map(|mut view| {
                if !view.clients.contains(&link.client_id) {
                    view.clients.push(link.client_id.clone());
                    view.clients.sort();
                }
                view
            }),
            ContactEvent::UnlinkedFromClient(unlink) => view.map(|mut view| {
                view.clients.retain(|c| *c != unlink.client_id);
                view
            }),
            ContactEvent::MentionedInCase(_)
            | ContactEvent::NamedOnOpportunity(_)
            | ContactEvent::UnnamedFromOpportunity(_)
            | ContactEvent::TaskAttached(_) => view,
            // Nothing of the person stays: out of every index, fields blanked.
            ContactEvent::ContactErased(erased) => Some(Self {
                contact_id: erased.contact_id.clone(),
                name: ERASED.into(),
                email: ERASED.into(),
                phone: None,
                clients: view.map(|v| v.clients).unwrap_or_default(),
                deleted: true,
            }),
        }
    }

    fn index(&self) -> Vec<IndexEntry> {
        if self.deleted {
            return Vec::new();
        }
        vec![
            IndexEntry {
                index: Index::Lookup,
                pk: email_key(&self.email),
                sk: self.contact_id.clone(),
            },
            IndexEntry {
                index: Index::List,
                pk: list_partition(LIST, &self.contact_id),
                sk: format!("{}#{}", self.name.to_lowercase(), self.contact_id),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{ada, created, deleted, edited, linked};
    use crate::ContactDetails;

    fn fold(events: &[ContactEvent]) -> Option<ContactSummary> {
        events.iter().fold(None, ContactSummary::apply)
    }

    #[test]
    fn given_contact_then_listed_by_name_and_found_by_lowercased_email() {
        let mixed_case = ContactDetails {
            email: "Ada@Example.com".into(),
            ..ada()
        };
        let index = fold(&[created(), edited(&mixed_case)]).unwrap().index();
        assert_eq!(index[0].pk, "email#ada@example.com");
        assert_eq!(index[1].sk, "ada#c1");
        assert!(index[1].pk.starts_with("contacts#"));
    }

    #[test]
    fn given_links_and_deletion_then_view_follows_and_leaves_the_indexes() {
        let view = fold(&[created(), linked("k1")]).unwrap();
        assert_eq!(view.clients, ["k1"]);
        let view = fold(&[created(), linked("k1"), deleted(&["k1"])]).unwrap();
        assert!(view.deleted);
        assert!(view.index().is_empty());
    }
}
