//! What other aggregates record on a contact's stream beside the link events of
//! [`crate::links`]: a case interaction that names the person (its export finds it there).

use serde::{Deserialize, Serialize};

/// A case interaction that names a contact, recorded on the contact's stream in the same
/// transaction as the interaction (by the contact crate's policy on
/// [`crate::case_stream::InteractionNaming`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseMention {
    pub case_id: String,
    pub interaction_id: String,
}
