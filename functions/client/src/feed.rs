//! The client's events in the public feed: ids and links. The name (a client may be a sole
//! trader, whose name is a person's) and the industry (free text) stay in the API.

use contracts::feed::{Feed, Publication};
use serde_json::json;

use crate::client::ClientEvent;

pub fn feed() -> Feed {
    Feed::of(contracts::streams::CLIENT, publication)
}

fn publication(event: &ClientEvent) -> Publication {
    match event {
        ClientEvent::ClientCreated(e) => {
            Publication::public("created", json!({ "clientId": e.client_id }))
        }
        ClientEvent::ClientEdited(e) => {
            Publication::public("edited", json!({ "clientId": e.client_id }))
        }
        ClientEvent::ContactLinked(e) => Publication::public(
            "contact-linked",
            json!({ "clientId": e.client_id, "contactId": e.contact_id }),
        ),
        ClientEvent::ContactUnlinked(e) => Publication::public(
            "contact-unlinked",
            json!({ "clientId": e.client_id, "contactId": e.contact_id, "cause": e.cause }),
        ),
        ClientEvent::TaskAttached(_) => {
            Publication::Withheld("the task publishes its targets (task.created)")
        }
    }
}
