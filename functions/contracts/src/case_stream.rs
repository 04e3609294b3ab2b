//! A case's stream as the other aggregates see it: the interactions that name a contact.

use serde::{Deserialize, Serialize};

/// The stored event type of an interaction added to a case.
pub const INTERACTION_ADDED: &str = "InteractionAdded";

/// The fields of an `InteractionAdded` payload that say whom it names; the contact crate's
/// policy records the mention on that contact's stream. The case crate's tests hold this
/// reading equal to its own event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionNaming {
    pub case_id: String,
    pub interaction_id: String,
    #[serde(default)]
    pub contact_id: Option<String>,
}
