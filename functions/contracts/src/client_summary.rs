//! The client summary read model (list-clients) and the counter the list-open-cases read model keeps
//! on it: the case read model writes `openCaseCount` into the client's summary item, in the same
//! write as the case's own item, and list-clients reads it from there.

use event_sourcing::projection::ItemKey;

use crate::streams::CLIENT;

/// The projection name of a client's summary item (its `SK`).
pub const SUMMARY: &str = "summary";

/// The counter on a client's summary item: how many of its cases are open.
pub const OPEN_CASE_COUNT: &str = "openCaseCount";

/// The counter on a client's summary item: how many of its opportunities are open (kept by
/// the opportunity crate's list of a client's opportunities).
pub const OPEN_OPPORTUNITY_COUNT: &str = "openOpportunityCount";

/// The key of a client's summary item.
pub fn summary_key(client_id: &str) -> ItemKey {
    ItemKey::new(format!("{CLIENT}#{client_id}"), SUMMARY)
}
