//! create-client: `POST /api/clients`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
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
    use crate::fixtures::created;
    use event_sourcing::testing::given;

    fn create_acme() -> CreateClient {
        CreateClient {
            client_id: "k1".into(),
            name: "Acme".into(),
            industry: None,
        }
    }

    #[test]
    fn given_no_client_when_created_then_client_created() {
        given::<Client>([])
            .when(|state| decide(state, create_acme()))
            .then([created()]);
    }

    #[test]
    fn given_client_when_created_again_then_already_exists() {
        given::<Client>([created()])
            .when(|state| decide(state, create_acme()))
            .then_error(ClientError::AlreadyExists("k1".into()));
    }
}
