use async_trait::async_trait;
use contact::links::{ClientContactUnlink, UnlinkCause, CONTACT_UNLINKED};
use contact::{Contact, ContactEvent};
use shared::aggregate::fold;
use shared::store::EventStore;
use shared::subscribers::SubscriberError;
use shared::{
    Aggregate, EventEnvelope, NewEvent, PendingAppend, Reaction, Subscriber, Subscribers,
};

/// The subscribers unlink-contact runs with.
pub fn subscribers() -> Subscribers {
    Subscribers::new().on(CONTACT_UNLINKED, RecordUnlinkOnContact)
}

/// Mirrors a requested unlink on the contact's stream. An unlink caused by the contact's own
/// deletion is already in that transaction, and a deleted contact keeps its last links.
pub struct RecordUnlinkOnContact;

#[async_trait]
impl Subscriber for RecordUnlinkOnContact {
    fn name(&self) -> &'static str {
        "unlink-contact.record-unlink-on-contact"
    }

    async fn react(
        &self,
        event: &EventEnvelope,
        store: &dyn EventStore,
    ) -> Result<Reaction, SubscriberError> {
        let unlink: ClientContactUnlink = serde_json::from_value(event.payload.clone())
            .map_err(|e| SubscriberError::Failed(format!("unreadable {CONTACT_UNLINKED}: {e}")))?;
        if unlink.cause == UnlinkCause::ContactDeleted {
            return Ok(Reaction::Proceed);
        }
        let stream = Contact::stream(&unlink.contact_id);
        let contact = fold::<Contact>(&store.load(&stream).await?)?;
        match contact.state.active(&unlink.contact_id) {
            Ok(details) if details.clients.contains(&unlink.client_id) => {
                let recorded = NewEvent::from_domain(&ContactEvent::UnlinkedFromClient(unlink))
                    .map_err(|e| SubscriberError::Failed(e.to_string()))?;
                Ok(Reaction::Append(vec![PendingAppend {
                    stream,
                    expected_version: contact.version,
                    events: vec![recorded],
                }]))
            }
            _ => Ok(Reaction::Proceed),
        }
    }
}
