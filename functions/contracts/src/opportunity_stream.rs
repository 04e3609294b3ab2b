//! What an opportunity's stream says about the people it names: a contact named on an
//! opportunity (with their role there) and one no longer named. The contact crate's policies
//! record each on the contact's stream too, in the same transaction, so the person's export
//! finds the opportunities that name them.

use serde::{Deserialize, Serialize};

/// The stored event types of naming and unnaming a contact on an opportunity.
pub const OPPORTUNITY_CONTACT_ADDED: &str = "OpportunityContactAdded";
pub const OPPORTUNITY_CONTACT_REMOVED: &str = "OpportunityContactRemoved";

/// Payload of `OpportunityContactAdded`: the role is the person's data (sealed under their
/// key, erased with them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityContact {
    pub opportunity_id: String,
    pub contact_id: String,
    #[serde(default)]
    pub role: Option<String>,
}

/// The fields of [`OpportunityContact`] that are the named person's data.
pub const OPPORTUNITY_CONTACT_PERSONAL_FIELDS: &[&str] = &["role"];

/// Payload of `OpportunityContactRemoved`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityContactRemoval {
    pub opportunity_id: String,
    pub contact_id: String,
}

/// Payload of `NamedOnOpportunity` / `UnnamedFromOpportunity` on a contact's stream: which
/// opportunity (never the role: that stays with the opportunity, sealed).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityMention {
    pub opportunity_id: String,
}
