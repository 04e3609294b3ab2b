//! edit-client: `PUT /api/clients/{id}` replaces, `PATCH` changes only the fields given.

#[cfg(feature = "lambda")]
mod http;

use event_sourcing::Patch;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::client::{Client, ClientError, ClientEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditClient {
    pub client_id: String,
    pub name: Option<String>,
    pub industry: Patch<String>,
}

/// The client's values after the edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientEdited {
    pub client_id: String,
    pub name: String,
    #[serde(default)]
    pub industry: Option<String>,
}

pub fn decide(state: &Client, command: EditClient) -> Result<Vec<ClientEvent>, ClientError> {
    let current = state.active(&command.client_id)?;
    let edited = ClientEdited {
        client_id: current.client_id.clone(),
        name: command.name.unwrap_or_else(|| current.name.clone()),
        industry: match command.industry {
            Patch::Absent => current.industry.clone(),
            Patch::Null => None,
            Patch::Value(industry) => Some(industry),
        },
    };
    if edited.name == current.name && edited.industry == current.industry {
        return Ok(Vec::new());
    }
    Ok(vec![ClientEvent::ClientEdited(edited)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, edited};
    use event_sourcing::testing::given;

    fn edit(name: Option<&str>, industry: Patch<String>) -> EditClient {
        EditClient {
            client_id: "k1".into(),
            name: name.map(Into::into),
            industry,
        }
    }

    #[test]
    fn given_client_when_renamed_then_industry_kept() {
        given::<Client>([created(), edited("Acme", Some("Retail"))])
            .when(|state| decide(state, edit(Some("Acme Ltd"), Patch::Absent)))
            .then([edited("Acme Ltd", Some("Retail"))]);
    }

    #[test]
    fn given_client_when_nothing_changes_then_no_event() {
        given::<Client>([created()])
            .when(|state| decide(state, edit(Some("Acme"), Patch::Absent)))
            .then_nothing();
    }

    #[test]
    fn given_no_client_when_edited_then_not_found() {
        given::<Client>([])
            .when(|state| decide(state, edit(None, Patch::Null)))
            .then_error(ClientError::NotFound("k1".into()));
    }
}
