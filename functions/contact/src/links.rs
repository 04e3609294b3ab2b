//! The contract between contacts and clients: the link events both streams record.
//!
//! A link is written on both sides in one transaction: `ContactLinked` on the client's stream
//! (decided by link-contact) and `LinkedToClient` on the contact's (added by its subscriber), so
//! GET on either side shows it, and a race with a contact's deletion is a conflict, not a dangling
//! link. The types live here, with the contact, because the client crate depends on this one.

use serde::{Deserialize, Serialize};

/// The stream prefix of the client aggregate.
pub const CLIENT_AGGREGATE_TYPE: &str = "client";
pub const CONTACT_LINKED: &str = "ContactLinked";
pub const CONTACT_UNLINKED: &str = "ContactUnlinked";

/// Payload of `ContactLinked` on a client's stream, and of `LinkedToClient` on a contact's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientContactLink {
    pub client_id: String,
    pub contact_id: String,
}

/// Why a link ended: asked for, or because the contact was deleted with `?cascade=true`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnlinkCause {
    #[default]
    Requested,
    ContactDeleted,
}

/// Payload of `ContactUnlinked` on a client's stream, and of `UnlinkedFromClient` on a contact's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientContactUnlink {
    pub client_id: String,
    pub contact_id: String,
    #[serde(default)]
    pub cause: UnlinkCause,
}
