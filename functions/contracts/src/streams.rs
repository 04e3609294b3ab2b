//! Stream names: the `<type>` of `<type>#<id>`, the event store's partition keys. They are
//! stored data (the original Node version wrote the same), so they never change.

pub const CONTACT: &str = "contact";
pub const CLIENT: &str = "client";
pub const CASE: &str = "case";
pub const PIPELINE: &str = "pipeline";
pub const OPPORTUNITY: &str = "opportunity";
pub const TASK: &str = "task";
pub const SLA_POLICY: &str = "sla-policy";

/// Every stream type (what the public feed must decide on, among others).
pub const ALL: [&str; 7] = [
    CONTACT,
    CLIENT,
    CASE,
    PIPELINE,
    OPPORTUNITY,
    TASK,
    SLA_POLICY,
];
