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
