//! Task fixtures for the tests of this crate: "Call Ada back", task `t1` assigned to `u1`,
//! due 2026-03-01 09:00 UTC, and the events of its life.

use contracts::task_stream::Target;
use time::macros::datetime;
use time::OffsetDateTime;

use crate::cancel_task::TaskCancelled;
use crate::complete_task::TaskCompleted;
use crate::create_task::{CreateTask, TaskCreated};
use crate::reopen_task::TaskReopened;
use crate::task::{Priority, TaskKind};
use crate::TaskEvent;

pub const CREATED_AT: OffsetDateTime = datetime!(2026-02-27 09:00 UTC);
pub const DUE_AT: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);

pub fn targets(targets: &[(&str, &str)]) -> Vec<Target> {
    targets
        .iter()
        .map(|(kind, id)| Target {
            kind: (*kind).into(),
            id: (*id).into(),
        })
        .collect()
}

pub fn create_command(targeting: &[(&str, &str)]) -> CreateTask {
    CreateTask {
        task_id: "t1".into(),
        title: "Call Ada back".into(),
        notes: Some("About the renewal".into()),
        kind: TaskKind::Call,
        priority: Priority::Normal,
        due_at: DUE_AT,
        assignee_id: "u1".into(),
        targets: targets(targeting),
        created_by: Some("u1".into()),
        created_at: CREATED_AT,
    }
}

pub fn created(targeting: &[(&str, &str)]) -> TaskEvent {
    TaskEvent::TaskCreated(TaskCreated::from(create_command(targeting)))
}

pub fn completed(at: OffsetDateTime) -> TaskEvent {
    TaskEvent::TaskCompleted(TaskCompleted {
        task_id: "t1".into(),
        completed_at: at,
    })
}

pub fn cancelled(at: OffsetDateTime, reason: Option<&str>) -> TaskEvent {
    TaskEvent::TaskCancelled(TaskCancelled {
        task_id: "t1".into(),
        reason: reason.map(str::to_owned),
        cancelled_at: at,
        contact_id: None,
    })
}

pub fn reopened(at: OffsetDateTime) -> TaskEvent {
    TaskEvent::TaskReopened(TaskReopened {
        task_id: "t1".into(),
        at,
    })
}
