//! list-contacts: `GET /api/contacts` (cursor-paginated, by name) and
//! `GET /api/contacts?email=...` (case-insensitive lookup), served from a projection.

mod http;

pub use http::handle;
use serde::{Deserialize, Serialize};
use shared::projection::{list_partition, Index, IndexEntry, View};

use crate::contact::{ContactEvent, AGGREGATE_TYPE};

pub const LIST: &str = "contacts";

/// The contact as lists show it; a deleted contact keeps its item (and version) but leaves
/// every index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactListItem {
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

impl View for ContactListItem {
    type Event = ContactEvent;
    const NAME: &'static str = "summary";
    const SOURCE: &'static str = AGGREGATE_TYPE;

    fn apply(view: Option<Self>, event: &ContactEvent) -> Option<Self> {
        match (view, event) {
            (_, ContactEvent::ContactCreated(created)) => Some(Self {
                contact_id: created.contact_id.clone(),
                name: created.name.clone(),
                email: created.email.clone(),
                phone: created.phone.clone(),
                clients: Vec::new(),
                deleted: false,
            }),
            (Some(view), ContactEvent::ContactEdited(edited)) => Some(Self {
                name: edited.name.clone(),
                email: edited.email.clone(),
                phone: edited.phone.clone(),
                ..view
            }),
            (Some(view), ContactEvent::ContactDeleted(_)) => Some(Self {
                deleted: true,
                ..view
            }),
            (Some(mut view), ContactEvent::LinkedToClient(link)) => {
                if !view.clients.contains(&link.client_id) {
                    view.clients.push(link.client_id.clone());
                    view.clients.sort();
                }
                Some(view)
            }
            (Some(mut view), ContactEvent::UnlinkedFromClient(unlink)) => {
                view.clients.retain(|c| *c != unlink.client_id);
                Some(view)
            }
            (view, _) => view,
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
    use crate::create_contact::ContactCreated;
    use crate::delete_contact::ContactDeleted;
    use crate::links::ClientContactLink;

    fn created() -> ContactEvent {
        ContactEvent::ContactCreated(ContactCreated {
            contact_id: "c1".into(),
            name: "Ada".into(),
            email: "Ada@Example.com".into(),
            phone: None,
        })
    }

    #[test]
    fn given_contact_then_listed_by_name_and_found_by_lowercased_email() {
        let view = ContactListItem::apply(None, &created()).unwrap();
        let index = view.index();
        assert_eq!(index[0].pk, "email#ada@example.com");
        assert_eq!(index[1].sk, "ada#c1");
        assert!(index[1].pk.starts_with("contacts#"));
    }

    #[test]
    fn given_links_and_deletion_then_view_follows_and_leaves_the_indexes() {
        let link = ContactEvent::LinkedToClient(ClientContactLink {
            client_id: "k1".into(),
            contact_id: "c1".into(),
        });
        let view = ContactListItem::apply(None, &created());
        let view = ContactListItem::apply(view, &link).unwrap();
        assert_eq!(view.clients, ["k1"]);
        let deleted = ContactEvent::ContactDeleted(ContactDeleted {
            contact_id: "c1".into(),
            linked_client_ids: vec![],
            cascade: false,
        });
        let view = ContactListItem::apply(Some(view), &deleted).unwrap();
        assert!(view.deleted);
        assert!(view.index().is_empty());
    }
}
