use contracts::links::{ClientContactUnlink, ClientLinkEvent, ClientLinks, UnlinkCause};
use event_sourcing::policy::{Policy, Refusal};
use event_sourcing::ErrorKind;

use super::{ContactDeleted, CONTACT_DELETED};

/// Refuses to orphan links: cancels the deletion of a linked contact, or with `cascade`
/// unlinks it from each client at that client's current version (a concurrent change to any of
/// those clients is a conflict, and then nothing is written).
pub struct CascadeToClients;

impl Policy for CascadeToClients {
    const NAME: &'static str = "delete-contact.cascade-to-clients";
    const TRIGGER: &'static str = CONTACT_DELETED;
    type Trigger = ContactDeleted;
    type Target = ClientLinks;

    fn targets(&self, deleted: &ContactDeleted) -> Result<Vec<String>, Refusal> {
        if !deleted.cascade && !deleted.linked_client_ids.is_empty() {
            return Err(Refusal::new(
                ErrorKind::Conflict,
                format!(
                    "contact {} is linked to client(s) {}; unlink it first, or delete with ?cascade=true",
                    deleted.contact_id,
                    deleted.linked_client_ids.join(", ")
                ),
            ));
        }
        Ok(deleted.linked_client_ids.clone())
    }

    fn decide(
        &self,
        deleted: &ContactDeleted,
        client: &ClientLinks,
        client_id: &str,
    ) -> Result<Vec<ClientLinkEvent>, Refusal> {
        if !client.contacts.contains(&deleted.contact_id) {
            return Ok(Vec::new());
        }
        Ok(vec![ClientLinkEvent::ContactUnlinked(
            ClientContactUnlink {
                client_id: client_id.to_owned(),
                contact_id: deleted.contact_id.clone(),
                cause: UnlinkCause::ContactDeleted,
            },
        )])
    }
}
