use async_trait::async_trait;
use shared::store::EventStore;
use shared::subscribers::SubscriberError;
use shared::{EventEnvelope, NewEvent, PendingAppend, Reaction, StreamId, Subscriber, Subscribers};

use super::{ContactDeleted, CONTACT_DELETED};
use crate::links::{ClientContactUnlink, UnlinkCause, CLIENT_AGGREGATE_TYPE, CONTACT_UNLINKED};

/// The subscribers delete-contact runs with.
pub fn subscribers() -> Subscribers {
    Subscribers::new().on(CONTACT_DELETED, CascadeToClients)
}

/// Refuses to orphan links: cancels the deletion of a linked contact, or with `cascade`
/// unlinks it from each client at that client's current version (a concurrent change to any of
/// those clients is a conflict, and then nothing is written).
pub struct CascadeToClients;

#[async_trait]
impl Subscriber for CascadeToClients {
    fn name(&self) -> &'static str {
        "delete-contact.cascade-to-clients"
    }

    async fn react(
        &self,
        event: &EventEnvelope,
        store: &dyn EventStore,
    ) -> Result<Reaction, SubscriberError> {
        let deleted: ContactDeleted = serde_json::from_value(event.payload.clone())
            .map_err(|e| SubscriberError::Failed(format!("unreadable {CONTACT_DELETED}: {e}")))?;
        if deleted.linked_client_ids.is_empty() {
            return Ok(Reaction::Proceed);
        }
        if !deleted.cascade {
            return Ok(Reaction::cancel(format!(
                "contact {} is linked to client(s) {}; unlink it first, or delete with ?cascade=true",
                deleted.contact_id,
                deleted.linked_client_ids.join(", ")
            )));
        }
        let mut unlinks = Vec::with_capacity(deleted.linked_client_ids.len());
        for client_id in &deleted.linked_client_ids {
            let stream = StreamId::new(CLIENT_AGGREGATE_TYPE, client_id);
            let version = store.load(&stream).await?.last().map_or(0, |e| e.version);
            let payload = serde_json::to_value(ClientContactUnlink {
                client_id: client_id.clone(),
                contact_id: deleted.contact_id.clone(),
                cause: UnlinkCause::ContactDeleted,
            })
            .map_err(|e| SubscriberError::Failed(e.to_string()))?;
            unlinks.push(PendingAppend {
                stream,
                expected_version: version,
                events: vec![NewEvent {
                    event_type: CONTACT_UNLINKED.into(),
                    schema_version: 1,
                    payload,
                }],
            });
        }
        Ok(Reaction::Append(unlinks))
    }
}
