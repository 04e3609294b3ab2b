//! What other aggregates' commands record on a client's stream, in their transaction: the rules
//! live here, with the stream's owner; the other aggregate's Lambda composes them.

use contracts::task_stream::{unattachable, RecordTaskOn, TaskMention, TaskTarget};
use event_sourcing::policy::Refusal;

use crate::{Client, ClientEvent};

/// A task may target any existing client; its stream records `TaskAttached`.
impl TaskTarget for Client {
    const POLICY_NAME: &'static str = "task.record-task-on-client";

    fn attach(&self, id: &str, task: TaskMention) -> Result<Vec<ClientEvent>, Refusal> {
        self.active(id)
            .map_err(|error| unattachable(contracts::streams::CLIENT, id, error))?;
        Ok(vec![ClientEvent::TaskAttached(task)])
    }
}

/// Composed by the task's Lambdas.
pub type RecordTaskOnClient = RecordTaskOn<Client>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use event_sourcing::{Aggregate, ErrorKind};

    #[test]
    fn a_task_attaches_to_an_existing_client_only() {
        let task = || TaskMention {
            task_id: "t1".into(),
        };
        let existing = Client::from_events(&[crate::fixtures::created()]);
        assert_eq!(
            existing.attach("x1", task()).unwrap(),
            [ClientEvent::TaskAttached(task())]
        );
        let refusal = Client::NotCreated.attach("x1", task()).unwrap_err();
        assert_eq!(refusal.kind, ErrorKind::Unprocessable);
        assert!(refusal.reason.contains("client x1"), "{}", refusal.reason);
    }
}
