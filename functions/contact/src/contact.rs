//! Contact state and `evolve` (the original's project-contact).

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shared::http::{etag, json_response, DomainError, Problem};
use shared::subscribers::ErrorKind;
use shared::{Aggregate, DomainEvent};

use crate::create_contact::ContactCreated;
use crate::delete_contact::ContactDeleted;
use crate::edit_contact::ContactEdited;
use crate::links::{ClientContactLink, ClientContactUnlink};

pub const AGGREGATE_TYPE: &str = "contact";

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Contact {
    #[default]
    NotCreated,
    Active(ContactDetails),
    Deleted(ContactDetails),
}

impl Contact {
    /// The live contact, or why there is none.
    pub fn active(&self, id: &str) -> Result<&ContactDetails, ContactError> {
        match self {
            Contact::Active(details) => Ok(details),
            Contact::NotCreated => Err(ContactError::NotFound(id.to_owned())),
            Contact::Deleted(_) => Err(ContactError::Deleted(id.to_owned())),
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
}

impl DomainEvent for ContactEvent {}

impl Aggregate for Contact {
    const TYPE: &'static str = AGGREGATE_TYPE;
    type Event = ContactEvent;

    fn evolve(self, event: &ContactEvent) -> Self {
        match (self, event) {
            (_, ContactEvent::ContactCreated(created)) => Contact::Active(ContactDetails {
                contact_id: created.contact_id.clone(),
                name: created.name.clone(),
                email: created.email.clone(),
                phone: created.phone.clone(),
                clients: BTreeSet::new(),
            }),
            (Contact::Active(details), ContactEvent::ContactEdited(edited)) => {
                Contact::Active(ContactDetails {
                    name: edited.name.clone(),
                    email: edited.email.clone(),
                    phone: edited.phone.clone(),
                    ..details
                })
            }
            (Contact::Active(details), ContactEvent::ContactDeleted(_)) => {
                Contact::Deleted(details)
            }
            (Contact::Active(mut details), ContactEvent::LinkedToClient(link)) => {
                details.clients.insert(link.client_id.clone());
                Contact::Active(details)
            }
            (Contact::Active(mut details), ContactEvent::UnlinkedFromClient(unlink)) => {
                details.clients.remove(&unlink.client_id);
                Contact::Active(details)
            }
            // Events never recorded against these states; keep the state as it is.
            (state, _) => state,
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
}

impl DomainError for ContactError {
    fn kind(&self) -> ErrorKind {
        match self {
            ContactError::NotFound(_) | ContactError::Deleted(_) => ErrorKind::NotFound,
            ContactError::AlreadyExists(_) => ErrorKind::Conflict,
        }
    }
}

/// The representation every contact route answers with.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContactRepresentation<'a> {
    #[serde(flatten)]
    details: &'a ContactDetails,
    version: u64,
}

pub fn contact_response(
    status: StatusCode,
    details: &ContactDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let mut response = json_response(status, &ContactRepresentation { details, version })?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> ContactEvent {
        ContactEvent::ContactCreated(ContactCreated {
            contact_id: "c1".into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            phone: None,
        })
    }

    #[test]
    fn evolve_follows_the_life_of_a_contact() {
        // GIVEN a created contact
        let state = Contact::default().evolve(&created());
        // WHEN it is edited, THEN the new values replace the old
        let state = state.evolve(&ContactEvent::ContactEdited(ContactEdited {
            contact_id: "c1".into(),
            name: "Ada L".into(),
            email: "ada@example.org".into(),
            phone: Some("+44 20 7946 0000".into()),
        }));
        let expected = ContactDetails {
            contact_id: "c1".into(),
            name: "Ada L".into(),
            email: "ada@example.org".into(),
            phone: Some("+44 20 7946 0000".into()),
            clients: BTreeSet::new(),
        };
        assert_eq!(state, Contact::Active(expected.clone()));
        // WHEN it is deleted, THEN it is deleted, and later edits do not revive it
        let state = state.evolve(&ContactEvent::ContactDeleted(ContactDeleted {
            contact_id: "c1".into(),
            linked_client_ids: vec![],
            cascade: false,
        }));
        assert_eq!(state, Contact::Deleted(expected.clone()));
        assert_eq!(state.active("c1"), Err(ContactError::Deleted("c1".into())));
    }

    #[test]
    fn evolve_tracks_the_clients_a_contact_is_linked_to() {
        let link = |client: &str| ClientContactLink {
            client_id: client.into(),
            contact_id: "c1".into(),
        };
        let state = Contact::default()
            .evolve(&created())
            .evolve(&ContactEvent::LinkedToClient(link("k1")))
            .evolve(&ContactEvent::LinkedToClient(link("k2")))
            .evolve(&ContactEvent::UnlinkedFromClient(ClientContactUnlink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
                cause: Default::default(),
            }));
        let clients: Vec<_> = state
            .active("c1")
            .unwrap()
            .clients
            .iter()
            .cloned()
            .collect();
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
