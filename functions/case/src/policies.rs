//! What other aggregates' commands record on a case's stream, in their transaction: the rules
//! live here, with the stream's owner; the other aggregate's Lambda composes them.

use contracts::task_stream::{unattachable, RecordTaskOn, TaskMention, TaskTarget};
use event_sourcing::policy::Refusal;

use crate::{Case, CaseEvent};

/// A task may target any existing case; its stream records `TaskAttached`.
impl TaskTarget for Case {
    const POLICY_NAME: &'static str = "task.record-task-on-case";

    fn attach(&self, id: &str, task: TaskMention) -> Result<Vec<CaseEvent>, Refusal> {
        self.existing(id)
            .map_err(|error| unattachable(contracts::streams::CASE, id, error))?;
        Ok(vec![CaseEvent::TaskAttached(task)])
    }
}

/// Composed by the task's Lambdas.
pub type RecordTaskOnCase = RecordTaskOn<Case>;
