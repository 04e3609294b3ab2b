use contact::{Contact, ContactEvent};
use contracts::links::{ClientContactLink, CONTACT_LINKED};
use event_sourcing::policy::{Policy, Refusal};
use event_sourcing::ErrorKind;

/// A link needs a live contact; the link is recorded on its stream at the version read, so a
/// concurrent deletion of the contact makes the whole link fail instead of leaving it dangling.
pub struct RecordLinkOnContact;

impl Policy for RecordLinkOnContact {
    const NAME: &'static str = "link-contact.record-link-on-contact";
    const TRIGGER: &'static str = CONTACT_LINKED;
    type Trigger = ClientContactLink;
    type Target = Contact;

    fn targets(&self, link: &ClientContactLink) -> Result<Vec<String>, Refusal> {
        Ok(vec![link.contact_id.clone()])
    }

    fn decide(
        &self,
        link: &ClientContactLink,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        contact.active(contact_id).map_err(|error| {
            Refusal::new(ErrorKind::Unprocessable, format!("cannot link: {error}"))
        })?;
        Ok(vec![ContactEvent::LinkedToClient(link.clone())])
    }
}
