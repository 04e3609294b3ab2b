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
