//! Client state and `evolve` (the original's project-client).

use std::collections::BTreeSet;

use contact::links::{ClientContactLink, ClientContactUnlink, CLIENT_AGGREGATE_TYPE};
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use serde::{Deserialize, Serialize};
use shared::http::{etag, json_response, DomainError, Problem};
use shared::subscribers::ErrorKind;
use shared::{Aggregate, DomainEvent};

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
}

impl DomainEvent for ClientEvent {}

impl Aggregate for Client {
    const TYPE: &'static str = CLIENT_AGGREGATE_TYPE;
    type Event = ClientEvent;

    fn evolve(self, event: &ClientEvent) -> Self {
        match (self, event) {
            (_, ClientEvent::ClientCreated(created)) => Client::Active(ClientDetails {
                client_id: created.client_id.clone(),
                name: created.name.clone(),
                industry: created.industry.clone(),
                contacts: BTreeSet::new(),
            }),
            (Client::Active(details), ClientEvent::ClientEdited(edited)) => {
                Client::Active(ClientDetails {
                    name: edited.name.clone(),
                    industry: edited.industry.clone(),
                    ..details
                })
            }
            (Client::Active(mut details), ClientEvent::ContactLinked(link)) => {
                details.contacts.insert(link.contact_id.clone());
                Client::Active(details)
            }
            (Client::Active(mut details), ClientEvent::ContactUnlinked(unlink)) => {
                details.contacts.remove(&unlink.contact_id);
                Client::Active(details)
            }
            (state, _) => state,
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("client {0} does not exist")]
    NotFound(String),
    #[error("client {0} already exists")]
    AlreadyExists(String),
    #[error("contact {contact_id} is already linked to client {client_id}")]
    AlreadyLinked {
        client_id: String,
        contact_id: String,
    },
    #[error("contact {contact_id} is not linked to client {client_id}")]
    NotLinked {
        client_id: String,
        contact_id: String,
    },
}

impl DomainError for ClientError {
    fn kind(&self) -> ErrorKind {
        match self {
            ClientError::NotFound(_) | ClientError::NotLinked { .. } => ErrorKind::NotFound,
            ClientError::AlreadyExists(_) | ClientError::AlreadyLinked { .. } => {
                ErrorKind::Conflict
            }
        }
    }
}

#[derive(Serialize)]
struct ClientRepresentation<'a> {
    #[serde(flatten)]
    details: &'a ClientDetails,
    version: u64,
}

pub fn client_response(
    status: StatusCode,
    details: &ClientDetails,
    version: u64,
) -> Result<Response<Body>, Problem> {
    let mut response = json_response(status, &ClientRepresentation { details, version })?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use contact::links::UnlinkCause;

    #[test]
    fn evolve_follows_the_life_of_a_client() {
        let link = |contact: &str| ClientContactLink {
            client_id: "k1".into(),
            contact_id: contact.into(),
        };
        let state = Client::default()
            .evolve(&ClientEvent::ClientCreated(ClientCreated {
                client_id: "k1".into(),
                name: "Acme".into(),
                industry: Some("Retail".into()),
            }))
            .evolve(&ClientEvent::ClientEdited(ClientEdited {
                client_id: "k1".into(),
                name: "Acme Ltd".into(),
                industry: None,
            }))
            .evolve(&ClientEvent::ContactLinked(link("c1")))
            .evolve(&ClientEvent::ContactLinked(link("c2")))
            .evolve(&ClientEvent::ContactUnlinked(ClientContactUnlink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
                cause: UnlinkCause::ContactDeleted,
            }));
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
}
