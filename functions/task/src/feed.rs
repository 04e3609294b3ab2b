//! The task's events in the public feed: kind, priority, due time, assignee, targets and
//! outcome. Titles, notes and cancel reasons are free text (a person's data when the task
//! names one): never published.

use contracts::feed::{instant, Feed, Publication};
use serde_json::json;

use crate::task::TaskEvent;

pub fn feed() -> Feed {
    Feed::of(contracts::streams::TASK, publication)
}

fn publication(event: &TaskEvent) -> Publication {
    match event {
        TaskEvent::TaskCreated(e) => Publication::public(
            "created",
            json!({ "taskId": e.task_id, "type": e.kind, "priority": e.priority,
                "dueAt": instant(e.due_at), "assigneeId": e.assignee_id, "targets": e.targets,
                "createdBy": e.created_by, "createdAt": instant(e.created_at) }),
        ),
        // New title or notes: the text stays inside.
        TaskEvent::TaskDescribed(e) => {
            Publication::public("described", json!({ "taskId": e.task_id }))
        }
        TaskEvent::TaskEdited(e) => Publication::public(
            "edited",
            json!({ "taskId": e.task_id, "type": e.kind, "priority": e.priority }),
        ),
        TaskEvent::TaskRescheduled(e) => Publication::public(
            "rescheduled",
            json!({ "taskId": e.task_id, "dueAt": instant(e.due_at),
                "previousDueAt": instant(e.previous_due_at) }),
        ),
        TaskEvent::TaskReassigned(e) => Publication::public(
            "reassigned",
            json!({ "taskId": e.task_id, "assigneeId": e.assignee_id,
                "previousAssigneeId": e.previous_assignee_id }),
        ),
        TaskEvent::TaskCompleted(e) => Publication::public(
            "completed",
            json!({ "taskId": e.task_id, "completedAt": instant(e.completed_at) }),
        ),
        TaskEvent::TaskCancelled(e) => Publication::public(
            "cancelled",
            json!({ "taskId": e.task_id, "cancelledAt": instant(e.cancelled_at) }),
        ),
        TaskEvent::TaskReopened(e) => Publication::public(
            "reopened",
            json!({ "taskId": e.task_id, "at": instant(e.at) }),
        ),
    }
}
