//! The contact's events in the public feed: ids only. A person's name, email and phone never
//! leave; `contact.erased` tells subscribers to forget what they hold of the person.

use contracts::feed::{Feed, Publication};
use serde_json::json;

use crate::contact::ContactEvent;

pub fn feed() -> Feed {
    Feed::of(contracts::streams::CONTACT, publication)
}

fn publication(event: &ContactEvent) -> Publication {
    match event {
        ContactEvent::ContactCreated(e) => {
            Publication::public("created", json!({ "contactId": e.contact_id }))
        }
        // The whole record is restated, so which fields changed is not known here.
        ContactEvent::ContactEdited(e) => {
            Publication::public("edited", json!({ "contactId": e.contact_id }))
        }
        ContactEvent::ContactDeleted(e) => Publication::public(
            "deleted",
            json!({ "contactId": e.contact_id, "cascade": e.cascade }),
        ),
        ContactEvent::ContactErased(e) => {
            Publication::public("erased", json!({ "contactId": e.contact_id }))
        }
        ContactEvent::LinkedToClient(_) | ContactEvent::UnlinkedFromClient(_) => {
            Publication::Withheld("the client's stream publishes the link (client.contact-linked)")
        }
        ContactEvent::MentionedInCase(_) => {
            Publication::Withheld("the case publishes the interaction (case.interaction-added)")
        }
        ContactEvent::NamedOnOpportunity(_) | ContactEvent::UnnamedFromOpportunity(_) => {
            Publication::Withheld("the opportunity publishes its contacts (opportunity.contact-*)")
        }
        ContactEvent::TaskAttached(_) => {
            Publication::Withheld("the task publishes its targets (task.created)")
        }
    }
}
