//! The task lists: read models, each one index query per page, sorted by due time then id.
//!
//! - `GET /api/tasks?assigneeId=<id>|me[&status=][&dueBefore=]` (this slice): a task's
//!   [`ByAssignee`] item sits in the `ByList` partition of its assignee and status and in the
//!   `ByLookup` partition of its assignee's `all`;
//! - `GET /api/tasks/overdue[?assigneeId=]` (list-overdue-tasks): the open partitions, read up
//!   to now; without an assignee the [`OpenTasks`] partition, every open task;
//! - `GET /api/{contacts|clients|cases|opportunities}/{id}/tasks[?status=]`
//!   (list-record-tasks): one [`ByTarget`] item per record a task targets.
//!
//! A completion, cancellation, reopening, new due time or new assignee moves the items between
//! partitions as soon as the stream consumer has the event. A task's person's data (its text,
//! when it targets a contact) is not kept here: lists read it from the task's sealed stream,
//! so erasing the person erases it from every list at once.

#[cfg(feature = "lambda")]
mod http;

use std::marker::PhantomData;

use event_sourcing::projection::{Index, IndexEntry, View};
use event_sourcing::Aggregate;
#[cfg(feature = "lambda")]
pub use http::{assignee_of, handle, listed_tasks, slice, status_of};
use serde::{Deserialize, Serialize};

use crate::task::{sortable, Status, Task, TaskDetails, TaskEvent, MAX_TARGETS};

/// Where one list's item sits in the indexes.
pub trait Filter: Send + Sync + 'static {
    /// The read model's name (its items' `SK`).
    const NAME: &'static str;
    fn entries(details: &TaskDetails, order: &str) -> Vec<IndexEntry>;
    /// Whether the task has an item in this read model at all.
    fn holds(_details: &TaskDetails) -> bool {
        true
    }
}

/// A task by its assignee: per status (`ByList`) and all of them (`ByLookup`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByAssignee;
/// Every open task, in one partition: the overdue list across assignees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenTasks;
/// The task by its `I`th target: one item per record targeted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByTarget<const I: usize>;

/// The partition of an assignee's tasks of one status (`None`: all).
pub fn assignee_partition(assignee_id: &str, status: Option<Status>) -> String {
    format!(
        "tasks#assignee#{assignee_id}#{}",
        status.map_or("all", Status::name)
    )
}

/// The partition of the tasks that target one record, of one status (`None`: all).
pub fn target_partition(kind: &str, id: &str, status: Option<Status>) -> String {
    format!(
        "tasks#target#{kind}#{id}#{}",
        status.map_or("all", Status::name)
    )
}

/// The partition of every open task.
pub const OPEN_TASKS: &str = "tasks#open";

/// The list and lookup entries of one partition family.
fn by_status(
    order: &str,
    partition: impl Fn(Option<Status>) -> String,
    status: Status,
) -> Vec<IndexEntry> {
    vec![
        IndexEntry {
            index: Index::List,
            pk: partition(Some(status)),
            sk: order.to_owned(),
        },
        IndexEntry {
            index: Index::Lookup,
            pk: partition(None),
            sk: order.to_owned(),
        },
    ]
}

impl Filter for ByAssignee {
    const NAME: &'static str = "tasks-by-assignee";
    fn entries(details: &TaskDetails, order: &str) -> Vec<IndexEntry> {
        by_status(
            order,
            |status| assignee_partition(&details.assignee_id, status),
            details.status,
        )
    }
}

impl Filter for OpenTasks {
    const NAME: &'static str = "tasks-open";
    fn entries(details: &TaskDetails, order: &str) -> Vec<IndexEntry> {
        if details.status != Status::Open {
            return Vec::new();
        }
        vec![IndexEntry {
            index: Index::List,
            pk: OPEN_TASKS.to_owned(),
            sk: order.to_owned(),
        }]
    }
}

/// The name of the `i`th target's read model.
const fn target_view_name(i: usize) -> &'static str {
    match i {
        0 => "tasks-by-target-0",
        1 => "tasks-by-target-1",
        2 => "tasks-by-target-2",
        3 => "tasks-by-target-3",
        4 => "tasks-by-target-4",
        5 => "tasks-by-target-5",
        6 => "tasks-by-target-6",
        7 => "tasks-by-target-7",
        8 => "tasks-by-target-8",
        _ => "tasks-by-target-9",
    }
}

// One read model per target slot, up to the most a task may have.
const _: () = assert!(MAX_TARGETS == 10);

impl<const I: usize> Filter for ByTarget<I> {
    const NAME: &'static str = target_view_name(I);
    fn holds(details: &TaskDetails) -> bool {
        details.targets.len() > I
    }
    fn entries(details: &TaskDetails, order: &str) -> Vec<IndexEntry> {
        match details.targets.get(I) {
            Some(target) => by_status(
                order,
                |status| target_partition(&target.kind, &target.id, status),
                details.status,
            ),
            None => Vec::new(),
        }
    }
}

/// A task as one list holds it: its state folded by the aggregate's own `evolve`, without its
/// person's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent, bound = "")]
pub struct Listed<F> {
    pub details: TaskDetails,
    #[serde(skip)]
    filter: PhantomData<F>,
}

impl<F: Filter> View for Listed<F> {
    type Event = TaskEvent;
    const NAME: &'static str = F::NAME;
    const SOURCE: &'static str = contracts::streams::TASK;

    fn apply(view: Option<Self>, event: &TaskEvent) -> Option<Self> {
        let state = view.map_or(Task::NotCreated, |v| Task::Active(v.details));
        match state.evolve(event) {
            Task::Active(details) if F::holds(&details) => Some(Listed {
                details: details.without_personal_data(),
                filter: PhantomData,
            }),
            Task::Active(_) | Task::NotCreated => None,
        }
    }

    fn index(&self) -> Vec<IndexEntry> {
        let order = format!("{}#{}", sortable(self.details.due_at), self.details.task_id);
        F::entries(&self.details, &order)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::edit_task::TaskReassigned;
    use crate::fixtures::{completed, created, reopened, DUE_AT};

    fn pks<F: Filter>(view: &Option<Listed<F>>) -> Vec<String> {
        view.as_ref()
            .map(|v| v.index().into_iter().map(|e| e.pk).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_task_moves_between_its_assignees_partitions_and_leaves_the_open_one_when_done() {
        let open = Listed::<ByAssignee>::apply(None, &created(&[]));
        assert_eq!(
            pks(&open),
            ["tasks#assignee#u1#open", "tasks#assignee#u1#all"]
        );
        assert_eq!(
            open.as_ref().unwrap().index()[0].sk,
            "2026-03-01T09:00:00.000000000Z#t1"
        );
        let moved = Listed::<ByAssignee>::apply(
            open,
            &TaskEvent::TaskReassigned(TaskReassigned {
                task_id: "t1".into(),
                assignee_id: "u2".into(),
                previous_assignee_id: "u1".into(),
            }),
        );
        assert_eq!(
            pks(&moved),
            ["tasks#assignee#u2#open", "tasks#assignee#u2#all"]
        );
        let done = Listed::<ByAssignee>::apply(moved, &completed(DUE_AT));
        assert_eq!(
            pks(&done),
            ["tasks#assignee#u2#completed", "tasks#assignee#u2#all"]
        );

        let open = Listed::<OpenTasks>::apply(None, &created(&[]));
        assert_eq!(pks(&open), [OPEN_TASKS]);
        let done = Listed::<OpenTasks>::apply(open, &completed(DUE_AT));
        assert!(pks(&done).is_empty());
        let again = Listed::<OpenTasks>::apply(done, &reopened(DUE_AT));
        assert_eq!(pks(&again), [OPEN_TASKS]);
    }

    #[test]
    fn each_target_has_its_own_item_and_a_persons_text_stays_out_of_every_list() {
        let event = created(&[("client", "k1"), ("contact", "c1")]);
        let first = Listed::<ByTarget<0>>::apply(None, &event);
        let second = Listed::<ByTarget<1>>::apply(None, &event);
        let third = Listed::<ByTarget<2>>::apply(None, &event);
        assert_eq!(
            pks(&first),
            ["tasks#target#client#k1#open", "tasks#target#client#k1#all"]
        );
        assert_eq!(
            pks(&second),
            [
                "tasks#target#contact#c1#open",
                "tasks#target#contact#c1#all"
            ]
        );
        assert_eq!(third, None, "no item for a slot without a target");
        let listed = first.unwrap().details;
        assert_eq!((listed.title.as_str(), listed.notes), ("", None));

        let impersonal = Listed::<ByTarget<0>>::apply(None, &created(&[("client", "k1")]));
        assert_eq!(impersonal.unwrap().details.title, "Call Ada back");
    }
}
