//! What other aggregates' commands record on an opportunity's stream, in their transaction: the rules
//! live here, with the stream's owner; the other aggregate's Lambda composes them.

use contracts::task_stream::{unattachable, RecordTaskOn, TaskMention, TaskTarget};
use event_sourcing::policy::Refusal;

use crate::{Opportunity, OpportunityEvent};

/// A task may target any existing opportunity; its stream records `TaskAttached`.
impl TaskTarget for Opportunity {
    const POLICY_NAME: &'static str = "task.record-task-on-opportunity";

    fn attach(&self, id: &str, task: TaskMention) -> Result<Vec<OpportunityEvent>, Refusal> {
        self.existing(id)
            .map_err(|error| unattachable(contracts::streams::OPPORTUNITY, id, error))?;
        Ok(vec![OpportunityEvent::TaskAttached(task)])
    }
}

/// Composed by the task's Lambdas.
pub type RecordTaskOnOpportunity = RecordTaskOn<Opportunity>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use event_sourcing::{Aggregate, ErrorKind};

    #[test]
    fn a_task_attaches_to_an_existing_opportunity_only() {
        let task = || TaskMention {
            task_id: "t1".into(),
        };
        let existing = Opportunity::from_events(&[crate::fixtures::created()]);
        assert_eq!(
            existing.attach("x1", task()).unwrap(),
            [OpportunityEvent::TaskAttached(task())]
        );
        let refusal = Opportunity::NotCreated.attach("x1", task()).unwrap_err();
        assert_eq!(refusal.kind, ErrorKind::Unprocessable);
        assert!(
            refusal.reason.contains("opportunity x1"),
            "{}",
            refusal.reason
        );
    }
}
