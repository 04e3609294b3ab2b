//! create-client: `POST /api/clients`.

mod http;

pub use http::handle;
use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientError, ClientEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateClient {
    pub client_id: String,
    pub name: String,
    pub industry: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCreated {
    pub client_id: String,
    pub name: String,
    #[serde(default)]
    pub industry: Option<String>,
}

pub fn decide(state: &Client, command: CreateClient) -> Result<Vec<ClientEvent>, ClientError> {
    match state {
        Client::NotCreated => Ok(vec![ClientEvent::ClientCreated(ClientCreated {
            client_id: command.client_id,
            name: command.name,
            industry: command.industry,
        })]),
        Client::Active(_) => Err(ClientError::AlreadyExists(command.client_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Aggregate;

    fn command() -> CreateClient {
        CreateClient {
            client_id: "k1".into(),
            name: "Acme".into(),
            industry: Some("Retail".into()),
        }
    }

    #[test]
    fn given_no_client_when_created_then_client_created() {
        assert_eq!(
            decide(&Client::NotCreated, command()),
            Ok(vec![ClientEvent::ClientCreated(ClientCreated {
                client_id: "k1".into(),
                name: "Acme".into(),
                industry: Some("Retail".into()),
            })])
        );
    }

    #[test]
    fn given_client_when_created_again_then_already_exists() {
        let state = Client::from_events(&decide(&Client::NotCreated, command()).unwrap());
        assert_eq!(
            decide(&state, command()),
            Err(ClientError::AlreadyExists("k1".into()))
        );
    }
}
