//! Client fixtures for every test of this crate and of the crates that depend on it: Acme,
//! client `k1`, and the events of its life.

use contracts::links::{ClientContactLink, ClientContactUnlink, UnlinkCause};
use serde_json::{json, Value};

use crate::create_client::ClientCreated;
use crate::edit_client::ClientEdited;
use crate::ClientEvent;

pub const ACME: &str = "k1";

/// The body of a `POST /api/clients` creating Acme.
pub fn acme_body() -> Value {
    json!({ "clientId": ACME, "name": "Acme" })
}

/// Acme created, with no industry.
pub fn created() -> ClientEvent {
    ClientEvent::ClientCreated(ClientCreated {
        client_id: ACME.into(),
        name: "Acme".into(),
        industry: None,
    })
}

pub fn edited(name: &str, industry: Option<&str>) -> ClientEvent {
    ClientEvent::ClientEdited(ClientEdited {
        client_id: ACME.into(),
        name: name.into(),
        industry: industry.map(Into::into),
    })
}

pub fn link(contact_id: &str) -> ClientContactLink {
    ClientContactLink {
        client_id: ACME.into(),
        contact_id: contact_id.into(),
    }
}

pub fn linked(contact_id: &str) -> ClientEvent {
    ClientEvent::ContactLinked(link(contact_id))
}

pub fn unlinked(contact_id: &str, cause: UnlinkCause) -> ClientEvent {
    ClientEvent::ContactUnlinked(ClientContactUnlink {
        client_id: ACME.into(),
        contact_id: contact_id.into(),
        cause,
    })
}
