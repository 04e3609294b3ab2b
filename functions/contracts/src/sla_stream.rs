//! The SLA policy's stream, as the policy's slices record it and the cases read it: the
//! response and resolution targets per priority, and the business hours they count in.
//!
//! One record (`sla-policy#default`), event-sourced like every other: its history and its
//! state as of any instant. A case copies the terms in force when it is recorded (and when its
//! priority changes) into its own events, so its clocks are a fold of its stream alone.

use std::collections::BTreeMap;

use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::streams::SLA_POLICY;

/// The one SLA policy's id.
pub const POLICY_ID: &str = "default";

/// How urgent a case is.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];
    pub const NAMES: &'static [&'static str] = &["low", "normal", "high", "urgent"];

    pub fn name(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The minutes a case of one priority has for its first response and its resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    pub first_response_minutes: u32,
    pub resolution_minutes: u32,
}

/// The days of the week, as the policy names them.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The hours the clocks count in: a weekly schedule in an IANA time zone. A day absent is
/// closed; each open day is one span, `"09:00"` to `"17:00"` local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusinessHours {
    pub timezone: String,
    pub days: BTreeMap<String, [String; 2]>,
}

/// The terms one case's clocks run on: copied into its events from the policy in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Terms {
    #[serde(flatten)]
    pub targets: Targets,
    /// `None`: calendar time.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
}

/// The policy: targets for every priority, and business hours (`None`: calendar time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub targets: BTreeMap<Priority, Targets>,
    pub business_hours: Option<BusinessHours>,
}

impl Default for SlaPolicy {
    /// Until one is stored: urgent 60/480, high 240/1440, normal 480/2880, low 1440/5760
    /// minutes, calendar time.
    fn default() -> Self {
        let targets = |first_response_minutes, resolution_minutes| Targets {
            first_response_minutes,
            resolution_minutes,
        };
        Self {
            targets: BTreeMap::from([
                (Priority::Urgent, targets(60, 480)),
                (Priority::High, targets(240, 1440)),
                (Priority::Normal, targets(480, 2880)),
                (Priority::Low, targets(1440, 5760)),
            ]),
            business_hours: None,
        }
    }
}

impl SlaPolicy {
    /// The terms of a case of `priority` under this policy.
    pub fn terms(&self, priority: Priority) -> Terms {
        let targets = self
            .targets
            .get(&priority)
            .or_else(|| SlaPolicy::default_targets(priority))
            .copied()
            .unwrap_or(Targets {
                first_response_minutes: 480,
                resolution_minutes: 2880,
            });
        Terms {
            targets,
            business_hours: self.business_hours.clone(),
        }
    }

    fn default_targets(priority: Priority) -> Option<&'static Targets> {
        static DEFAULTS: std::sync::OnceLock<SlaPolicy> = std::sync::OnceLock::new();
        DEFAULTS
            .get_or_init(SlaPolicy::default)
            .targets
            .get(&priority)
    }
}

/// The stored event type of a policy change, and its payload: the whole policy.
pub const SLA_POLICY_SET: &str = "SlaPolicySet";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum SlaPolicyEvent {
    SlaPolicySet(SlaPolicy),
}

impl DomainEvent for SlaPolicyEvent {}

/// The policy record: the defaults until one is set (version 0), then the latest set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicyRecord(pub SlaPolicy);

impl Aggregate for SlaPolicyRecord {
    const TYPE: &'static str = SLA_POLICY;
    /// A handful of changes a year: the stream is read whole.
    const SNAPSHOT_SHAPE: Option<u32> = None;
    type Event = SlaPolicyEvent;

    fn evolve(self, event: &SlaPolicyEvent) -> Self {
        match event {
            SlaPolicyEvent::SlaPolicySet(policy) => SlaPolicyRecord(policy.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_a_policy_is_set_the_defaults_apply_in_calendar_time() {
        let policy = SlaPolicyRecord::from_events(&[]).0;
        let urgent = policy.terms(Priority::Urgent);
        assert_eq!(
            (
                urgent.targets.first_response_minutes,
                urgent.targets.resolution_minutes
            ),
            (60, 480)
        );
        assert_eq!(policy.terms(Priority::Low).targets.resolution_minutes, 5760);
        assert_eq!(urgent.business_hours, None);
        let json = serde_json::to_value(&policy).unwrap_or_default();
        assert_eq!(
            json["targets"]["normal"],
            serde_json::json!({ "firstResponseMinutes": 480, "resolutionMinutes": 2880 })
        );
    }
}
