//! A person's data across every aggregate (GDPR Art. 15 and 20). Its slices read the streams of
//! several aggregates and own none, so they live here rather than in one aggregate's crate:
//! the aggregate crates then depend on no other aggregate's (they meet through `contracts`).
//! Erasure stays with the contact: it touches the contact's stream and key alone.

pub mod export_contact;

use http_api::registry::Registry;

/// Every slice across the aggregates. Each Lambda `main`, the test router, the template and the
/// `[[bin]]` entries are derived from this list, as from the aggregates'.
pub fn registry() -> Registry {
    Registry::across("privacy", vec![export_contact::slice()])
}
