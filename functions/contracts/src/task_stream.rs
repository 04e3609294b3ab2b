//! What a task's stream says about the records it targets, and the one rule every targeted
//! aggregate follows.
//!
//! A task created for a contact, a client, a case or an opportunity records `TaskAttached` on
//! that record's stream in the same transaction: the target must exist (a contact must also
//! be live), a concurrent deletion is a conflict, and the record's history shows the task. The
//! rule is written once here, as [`RecordTaskOn`]; each target aggregate says, by implementing
//! [`TaskTarget`] in its own crate, whether it takes the task and which event records it.

use std::marker::PhantomData;

use event_sourcing::policy::{Policy, Refusal};
use event_sourcing::Aggregate;
use serde::{Deserialize, Serialize};

/// The stored event type a task is created with: the trigger of [`RecordTaskOn`].
pub const TASK_CREATED: &str = "TaskCreated";

/// The kinds of record a task may target: each is the stream type of that aggregate.
pub const TARGET_TYPES: &[&str] = &[
    crate::streams::CONTACT,
    crate::streams::CLIENT,
    crate::streams::CASE,
    crate::streams::OPPORTUNITY,
];

/// One record a task targets: `{type, id}`, `type` a stream type of [`TARGET_TYPES`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Target {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// The part of `TaskCreated`'s payload the targets read: which task, and what it targets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskTargeting {
    pub task_id: String,
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// Payload of `TaskAttached` on a targeted record's stream: which task (never its text).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskMention {
    pub task_id: String,
}

/// An aggregate a task may target. Implemented in the aggregate's own crate: its rule.
pub trait TaskTarget: Aggregate {
    /// Names [`RecordTaskOn`] for this aggregate in the trace of what it records.
    const POLICY_NAME: &'static str;

    /// What to record on this record when a task targets it, or why it cannot be targeted
    /// (none, deleted: an unprocessable refusal naming it).
    fn attach(&self, id: &str, task: TaskMention) -> Result<Vec<Self::Event>, Refusal>;
}

/// When a task is created, each target of type `A` records `TaskAttached` (see [`TaskTarget`]).
pub struct RecordTaskOn<A>(PhantomData<fn() -> A>);

impl<A> Default for RecordTaskOn<A> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<A: TaskTarget> Policy for RecordTaskOn<A> {
    const NAME: &'static str = A::POLICY_NAME;
    const TRIGGER: &'static str = TASK_CREATED;
    type Trigger = TaskTargeting;
    type Target = A;

    fn targets(&self, created: &TaskTargeting) -> Result<Vec<String>, Refusal> {
        Ok(created
            .targets
            .iter()
            .filter(|target| target.kind == A::TYPE)
            .map(|target| target.id.clone())
            .collect())
    }

    fn decide(
        &self,
        created: &TaskTargeting,
        target: &A,
        target_id: &str,
    ) -> Result<Vec<A::Event>, Refusal> {
        target.attach(
            target_id,
            TaskMention {
                task_id: created.task_id.clone(),
            },
        )
    }
}

/// A refusal for a target that cannot take a task: `{type} {id}: {why}`.
pub fn unattachable(kind: &str, id: &str, why: impl std::fmt::Display) -> Refusal {
    Refusal::new(
        event_sourcing::ErrorKind::Unprocessable,
        format!("cannot target {kind} {id}: {why}"),
    )
}
