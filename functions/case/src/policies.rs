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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use event_sourcing::{Aggregate, ErrorKind};

    #[test]
    fn a_task_attaches_to_an_existing_case_only() {
        let task = || TaskMention {
            task_id: "t1".into(),
        };
        let existing = Case::from_events(&[crate::fixtures::opened()]);
        assert_eq!(
            existing.attach("x1", task()).unwrap(),
            [CaseEvent::TaskAttached(task())]
        );
        let refusal = Case::NotCreated.attach("x1", task()).unwrap_err();
        assert_eq!(refusal.kind, ErrorKind::Unprocessable);
        assert!(refusal.reason.contains("case x1"), "{}", refusal.reason);
    }
}
