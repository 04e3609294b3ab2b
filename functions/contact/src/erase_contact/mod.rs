//! erase-contact: `POST /api/contacts/{id}/erase` (the `crm/admin` scope): the right to be
//! forgotten (GDPR Art. 17).
//!
//! `ContactErased` ends the stream's story (the fold is a tombstone, the id stays taken), then
//! the person's data key is destroyed: every sealed field of theirs (their contact events, the
//! interactions that name them) reads as erased from then on, in the event store, its stream
//! and every projection rebuilt from it; the list projection drops them on `ContactErased`.

#[cfg(feature = "lambda")]
mod http;

#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::contact::{Contact, ContactError, ContactEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EraseContact {
    pub contact_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactErased {
    pub contact_id: String,
}

/// Live or deleted, a contact can be erased; erasing it again records nothing.
pub fn decide(state: &Contact, command: EraseContact) -> Result<Vec<ContactEvent>, ContactError> {
    match state {
        Contact::NotCreated => Err(ContactError::NotFound(command.contact_id)),
        Contact::Erased => Ok(Vec::new()),
        Contact::Active(_) | Contact::Deleted(_) => {
            Ok(vec![ContactEvent::ContactErased(ContactErased {
                contact_id: command.contact_id,
            })])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, deleted, erased};
    use event_sourcing::testing::given;
    use event_sourcing::Aggregate;

    fn erase() -> EraseContact {
        EraseContact {
            contact_id: "c1".into(),
        }
    }

    #[test]
    fn given_contact_when_erased_then_contact_erased() {
        given::<Contact>([created()])
            .when(|state| decide(state, erase()))
            .then([erased()]);
    }

    #[test]
    fn given_deleted_contact_when_erased_then_contact_erased() {
        given::<Contact>([created(), deleted(&[])])
            .when(|state| decide(state, erase()))
            .then([erased()]);
    }

    #[test]
    fn given_erased_contact_when_erased_again_then_nothing() {
        given::<Contact>([created(), erased()])
            .when(|state| decide(state, erase()))
            .then_nothing();
    }

    #[test]
    fn given_no_contact_when_erased_then_not_found() {
        given::<Contact>([])
            .when(|state| decide(state, erase()))
            .then_error(ContactError::NotFound("c1".into()));
    }

    #[test]
    fn an_erased_contact_folds_to_a_tombstone_and_cannot_come_back() {
        let state = Contact::from_events(&[created(), erased(), created()]);
        assert_eq!(state, Contact::Erased);
        assert_eq!(state.active("c1"), Err(ContactError::Erased("c1".into())));
    }
}
