//! set-sla-policy: `PUT /api/sla-policy` (scope `crm/admin`, `If-Match` honoured): the whole
//! policy, replacing the one in force from now on. Cases already recorded keep the terms they
//! copied; a new case, or a change of a case's priority, takes this one's.

#[cfg(feature = "lambda")]
mod http;

use contracts::sla_stream::{SlaPolicy, SlaPolicyEvent, SlaPolicyRecord};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

/// Setting the policy never fails once it is read: the request's checks are its rules.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlaPolicyError {}

impl event_sourcing::DomainError for SlaPolicyError {
    fn kind(&self) -> event_sourcing::ErrorKind {
        match *self {}
    }
}

/// Setting the policy to what it already is records nothing.
pub fn decide(
    state: &SlaPolicyRecord,
    policy: SlaPolicy,
) -> Result<Vec<SlaPolicyEvent>, SlaPolicyError> {
    if state.0 == policy {
        return Ok(Vec::new());
    }
    Ok(vec![SlaPolicyEvent::SlaPolicySet(policy)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use contracts::sla_stream::{Priority, Targets};
    use event_sourcing::testing::given;

    fn faster() -> SlaPolicy {
        let mut policy = SlaPolicy::default();
        policy.targets.insert(
            Priority::Urgent,
            Targets {
                first_response_minutes: 15,
                resolution_minutes: 240,
            },
        );
        policy
    }

    #[test]
    fn given_the_defaults_when_a_policy_is_set_then_it_is_recorded_once() {
        given::<SlaPolicyRecord>([])
            .when(|state| decide(state, faster()))
            .then([SlaPolicyEvent::SlaPolicySet(faster())]);
        given::<SlaPolicyRecord>([SlaPolicyEvent::SlaPolicySet(faster())])
            .when(|state| decide(state, faster()))
            .then([]);
    }
}
