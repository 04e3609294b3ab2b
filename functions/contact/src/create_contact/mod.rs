//! create-contact: `POST /api/contacts`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::contact::{Contact, ContactError, ContactEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateContact {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactCreated {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A contact is created once. The write is conditioned on a new stream too, so two racing
/// creates of one id cannot both win; this check covers a state already known.
pub fn decide(state: &Contact, command: CreateContact) -> Result<Vec<ContactEvent>, ContactError> {
    match state {
        Contact::NotCreated => Ok(vec![ContactEvent::ContactCreated(ContactCreated {
            contact_id: command.contact_id,
            name: command.name,
            email: command.email,
            phone: command.phone,
        })]),
        Contact::Active(_) | Contact::Deleted(_) | Contact::Erased => {
            Err(ContactError::AlreadyExists(command.contact_id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{ada, created, deleted};
    use event_sourcing::testing::given;

    fn create_ada() -> CreateContact {
        let ada = ada();
        CreateContact {
            contact_id: ada.contact_id,
            name: ada.name,
            email: ada.email,
            phone: ada.phone,
        }
    }

    #[test]
    fn given_no_contact_when_created_then_contact_created() {
        given::<Contact>([])
            .when(|state| decide(state, create_ada()))
            .then([created()]);
    }

    #[test]
    fn given_existing_or_deleted_contact_when_created_then_already_exists() {
        for history in [vec![created()], vec![created(), deleted(&[])]] {
            given::<Contact>(history)
                .when(|state| decide(state, create_ada()))
                .then_error(ContactError::AlreadyExists("c1".into()));
        }
    }
}
