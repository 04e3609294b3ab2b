//! delete-contact: `DELETE /api/contacts/{id}`.

mod http;

pub use http::handle;
use serde::{Deserialize, Serialize};

use crate::contact::{Contact, ContactError, ContactEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteContact {
    pub contact_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDeleted {
    pub contact_id: String,
}

pub fn decide(state: &Contact, command: DeleteContact) -> Result<Vec<ContactEvent>, ContactError> {
    state.active(&command.contact_id)?;
    Ok(vec![ContactEvent::ContactDeleted(ContactDeleted {
        contact_id: command.contact_id,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContactDetails;

    fn delete() -> DeleteContact {
        DeleteContact {
            contact_id: "c1".into(),
        }
    }

    #[test]
    fn given_contact_when_deleted_then_contact_deleted() {
        let state = Contact::Active(ContactDetails {
            contact_id: "c1".into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            phone: None,
        });
        assert_eq!(
            decide(&state, delete()),
            Ok(vec![ContactEvent::ContactDeleted(ContactDeleted {
                contact_id: "c1".into()
            })])
        );
    }

    #[test]
    fn given_deleted_contact_when_deleted_again_then_refused() {
        let state = Contact::Deleted(ContactDetails {
            contact_id: "c1".into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            phone: None,
        });
        assert_eq!(
            decide(&state, delete()),
            Err(ContactError::Deleted("c1".into()))
        );
    }

    #[test]
    fn given_no_contact_when_deleted_then_not_found() {
        assert_eq!(
            decide(&Contact::NotCreated, delete()),
            Err(ContactError::NotFound("c1".into()))
        );
    }
}
