use async_trait::async_trait;
use contact::links::{ClientContactLink, CONTACT_LINKED};
use contact::{Contact, ContactEvent};
use shared::aggregate::fold;
use shared::store::EventStore;
use shared::subscribers::{ErrorKind, SubscriberError};
use shared::{
    Aggregate, EventEnvelope, NewEvent, PendingAppend, Reaction, Subscriber, Subscribers,
};

/// The subscribers link-contact runs with.
pub fn subscribers() -> Subscribers {
    Subscribers::new().on(CONTACT_LINKED, RecordLinkOnContact)
}

/// A link needs a live contact; the link is recorded on its stream at the version read, so a
/// concurrent deletion of the contact makes the whole link fail instead of leaving it dangling.
pub struct RecordLinkOnContact;

#[async_trait]
impl Subscriber for RecordLinkOnContact {
    fn name(&self) -> &'static str {
        "link-contact.record-link-on-contact"
    }

    async fn react(
        &self,
        event: &EventEnvelope,
        store: &dyn EventStore,
    ) -> Result<Reaction, SubscriberError> {
        let link: ClientContactLink = serde_json::from_value(event.payload.clone())
            .map_err(|e| SubscriberError::Failed(format!("unreadable {CONTACT_LINKED}: {e}")))?;
        let stream = Contact::stream(&link.contact_id);
        let contact = fold::<Contact>(&store.load(&stream).await?)?;
        if let Err(error) = contact.state.active(&link.contact_id) {
            return Ok(Reaction::Cancel {
                kind: ErrorKind::Unprocessable,
                reason: format!("cannot link: {error}"),
            });
        }
        let recorded = NewEvent::from_domain(&ContactEvent::LinkedToClient(link))
            .map_err(|e| SubscriberError::Failed(e.to_string()))?;
        Ok(Reaction::Append(vec![PendingAppend {
            stream,
            expected_version: contact.version,
            events: vec![recorded],
        }]))
    }
}
