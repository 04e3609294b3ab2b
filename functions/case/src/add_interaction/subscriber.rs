use contact::{CaseMention, Contact, ContactEvent};
use event_sourcing::policy::{Policy, Refusal};
use event_sourcing::ErrorKind;

use super::InteractionAdded;

/// An interaction that names a contact is recorded on the contact's stream too, at the version
/// read and in the same transaction: the contact's export finds it there, and an erasure that
/// races it makes the interaction fail instead of naming someone already forgotten.
pub struct RecordMentionOnContact;

pub const INTERACTION_ADDED: &str = "InteractionAdded";

impl Policy for RecordMentionOnContact {
    const NAME: &'static str = "add-interaction.record-mention-on-contact";
    const TRIGGER: &'static str = INTERACTION_ADDED;
    type Trigger = InteractionAdded;
    type Target = Contact;

    fn targets(&self, added: &InteractionAdded) -> Result<Vec<String>, Refusal> {
        Ok(added.contact_id.iter().cloned().collect())
    }

    fn decide(
        &self,
        added: &InteractionAdded,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        contact.active(contact_id).map_err(|error| {
            Refusal::new(ErrorKind::Unprocessable, format!("cannot name it: {error}"))
        })?;
        Ok(vec![ContactEvent::MentionedInCase(CaseMention {
            case_id: added.case_id.clone(),
            interaction_id: added.interaction_id.clone(),
        })])
    }
}
