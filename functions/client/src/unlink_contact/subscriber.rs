use contact::{Contact, ContactEvent};
use contracts::links::{ClientContactUnlink, UnlinkCause, CONTACT_UNLINKED};
use event_sourcing::policy::{Policy, Refusal};

/// Mirrors a requested unlink on the contact's stream. An unlink caused by the contact's own
/// deletion is already in that transaction, and a deleted contact keeps its last links.
pub struct RecordUnlinkOnContact;

impl Policy for RecordUnlinkOnContact {
    const NAME: &'static str = "unlink-contact.record-unlink-on-contact";
    const TRIGGER: &'static str = CONTACT_UNLINKED;
    type Trigger = ClientContactUnlink;
    type Target = Contact;

    fn targets(&self, unlink: &ClientContactUnlink) -> Result<Vec<String>, Refusal> {
        Ok(match unlink.cause {
            UnlinkCause::Requested => vec![unlink.contact_id.clone()],
            UnlinkCause::ContactDeleted => Vec::new(),
        })
    }

    fn decide(
        &self,
        unlink: &ClientContactUnlink,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        Ok(match contact.active(contact_id) {
            Ok(details) if details.clients.contains(&unlink.client_id) => {
                vec![ContactEvent::UnlinkedFromClient(unlink.clone())]
            }
            _ => Vec::new(),
        })
    }
}
