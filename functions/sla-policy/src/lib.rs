//! The SLA policy: the first-response and resolution targets of each case priority, and the
//! business hours they count in. One record (`sla-policy#default`), event-sourced like every
//! other: its history, and the policy as it stood at any instant. Its events and fold are
//! `contracts::sla_stream` (cases copy the terms in force into their own events); this crate
//! holds the decision to set it and its routes.

pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_sla_policy;
#[cfg(feature = "lambda")]
pub mod get_sla_policy_history;
#[cfg(feature = "lambda")]
mod representation;
pub mod set_sla_policy;

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every SLA policy slice.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::SLA_POLICY,
        vec![
            get_sla_policy::slice(),
            set_sla_policy::slice(),
            get_sla_policy_history::slice(),
        ],
    )
}
