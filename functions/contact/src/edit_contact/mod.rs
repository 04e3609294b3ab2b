//! edit-contact: `PUT /api/contacts/{id}` replaces, `PATCH` changes only the fields given.

#[cfg(feature = "lambda")]
mod http;

use event_sourcing::Patch;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::contact::{Contact, ContactError, ContactEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditContact {
    pub contact_id: String,
    /// `None` keeps the current value.
    pub name: Option<String>,
    pub email: Option<String>,
    /// `Absent` keeps, `Null` clears, `Value` sets.
    pub phone: Patch<String>,
}

/// Carries the contact's values after the edit, so readers never need the earlier events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactEdited {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// An edit that changes nothing records nothing.
pub fn decide(state: &Contact, command: EditContact) -> Result<Vec<ContactEvent>, ContactError> {
    let current = state.active(&command.contact_id)?;
    let edited = ContactEdited {
        contact_id: current.contact_id.clone(),
        name: command.name.unwrap_or_else(|| current.name.clone()),
        email: command.email.unwrap_or_else(|| current.email.clone()),
        phone: match command.phone {
            Patch::Absent => current.phone.clone(),
            Patch::Null => None,
            Patch::Value(phone) => Some(phone),
        },
    };
    if edited.name == current.name && edited.email == current.email && edited.phone == current.phone
    {
        return Ok(Vec::new());
    }
    Ok(vec![ContactEvent::ContactEdited(edited)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{ada, created, deleted, edited};
    use crate::ContactDetails;
    use event_sourcing::testing::given;

    fn edit(name: Option<&str>, email: Option<&str>, phone: Patch<String>) -> EditContact {
        EditContact {
            contact_id: "c1".into(),
            name: name.map(Into::into),
            email: email.map(Into::into),
            phone,
        }
    }

    fn with_phone() -> ContactEvent {
        edited(&ContactDetails {
            phone: Some("12345".into()),
            ..ada()
        })
    }

    #[test]
    fn given_contact_when_one_field_patched_then_others_kept() {
        given::<Contact>([created(), with_phone()])
            .when(|state| decide(state, edit(None, Some("ada@example.org"), Patch::Absent)))
            .then([edited(&ContactDetails {
                email: "ada@example.org".into(),
                phone: Some("12345".into()),
                ..ada()
            })]);
    }

    #[test]
    fn given_contact_when_phone_nulled_then_phone_cleared() {
        given::<Contact>([created(), with_phone()])
            .when(|state| decide(state, edit(None, None, Patch::Null)))
            .then([edited(&ada())]);
    }

    #[test]
    fn given_contact_when_edit_changes_nothing_then_no_event() {
        let same = edit(
            Some("Ada"),
            Some("ada@example.com"),
            Patch::Value("12345".into()),
        );
        given::<Contact>([created(), with_phone()])
            .when(|state| decide(state, same))
            .then_nothing();
    }

    #[test]
    fn given_missing_or_deleted_contact_when_edited_then_refused() {
        let command = edit(Some("Bea"), None, Patch::Absent);
        given::<Contact>([])
            .when(|state| decide(state, command.clone()))
            .then_error(ContactError::NotFound("c1".into()));
        given::<Contact>([created(), deleted(&[])])
            .when(|state| decide(state, command))
            .then_error(ContactError::Deleted("c1".into()));
    }
}
