//! Contact fixtures for every test of this crate and of the crates that depend on it: Ada,
//! contact `c1`, and the events of her life.

use contracts::links::{ClientContactLink, ClientContactUnlink, UnlinkCause};
use serde_json::{json, Value};

use crate::create_contact::ContactCreated;
use crate::delete_contact::ContactDeleted;
use crate::edit_contact::ContactEdited;
use crate::{ContactDetails, ContactEvent};

pub const ADA: &str = "c1";

/// Ada as the contact aggregate holds her, linked to no client.
pub fn ada() -> ContactDetails {
    ContactDetails {
        contact_id: ADA.into(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        phone: None,
        clients: Default::default(),
    }
}

/// Ada linked to these clients.
pub fn ada_linked_to(clients: &[&str]) -> ContactDetails {
    ContactDetails {
        clients: clients.iter().map(|c| (*c).to_owned()).collect(),
        ..ada()
    }
}

/// The body of a `POST /api/contacts` creating Ada.
pub fn ada_body() -> Value {
    json!({ "contactId": ADA, "name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000" })
}

pub fn created() -> ContactEvent {
    let ada = ada();
    ContactEvent::ContactCreated(ContactCreated {
        contact_id: ada.contact_id,
        name: ada.name,
        email: ada.email,
        phone: ada.phone,
    })
}

/// Ada edited to these details.
pub fn edited(details: &ContactDetails) -> ContactEvent {
    ContactEvent::ContactEdited(ContactEdited {
        contact_id: details.contact_id.clone(),
        name: details.name.clone(),
        email: details.email.clone(),
        phone: details.phone.clone(),
    })
}

pub fn deleted(linked_client_ids: &[&str]) -> ContactEvent {
    ContactEvent::ContactDeleted(ContactDeleted {
        contact_id: ADA.into(),
        linked_client_ids: linked_client_ids.iter().map(|c| (*c).to_owned()).collect(),
        cascade: !linked_client_ids.is_empty(),
    })
}

pub fn linked(client_id: &str) -> ContactEvent {
    ContactEvent::LinkedToClient(ClientContactLink {
        client_id: client_id.into(),
        contact_id: ADA.into(),
    })
}

pub fn unlinked(client_id: &str) -> ContactEvent {
    ContactEvent::UnlinkedFromClient(ClientContactUnlink {
        client_id: client_id.into(),
        contact_id: ADA.into(),
        cause: UnlinkCause::Requested,
    })
}

pub fn erased() -> ContactEvent {
    ContactEvent::ContactErased(crate::erase_contact::ContactErased {
        contact_id: ADA.into(),
    })
}
