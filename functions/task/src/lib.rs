//! The Task aggregate: what someone has to do next, by when, for which records. `task` holds
//! its state and its one `evolve`; every other module is a slice: one use case with its
//! command, event, `decide`, HTTP adapter and Lambda `main`. The records it targets record it
//! on their own streams by their own rules (`contracts::task_stream`), composed by its Lambdas.

pub mod cancel_task;
pub mod complete_task;
pub mod create_task;
pub mod edit_task;
pub mod feed;
#[cfg(feature = "lambda")]
pub mod get_task;
#[cfg(feature = "lambda")]
pub mod list_overdue_tasks;
#[cfg(feature = "lambda")]
pub mod list_record_tasks;
pub mod list_tasks;
pub mod reopen_task;
#[cfg(feature = "lambda")]
pub mod representation;
pub mod task;

#[cfg(any(test, feature = "testing"))]
pub mod fixtures;

pub use task::{Priority, Status, Task, TaskDetails, TaskError, TaskEvent, TaskKind};

#[cfg(feature = "lambda")]
use http_api::registry::Registry;

/// Every task slice. Each Lambda `main`, the test router, the stream consumer, the local
/// router, the template and the `[[bin]]` entries are derived from this list.
#[cfg(feature = "lambda")]
pub fn registry() -> Registry {
    Registry::new(
        contracts::streams::TASK,
        vec![
            create_task::slice(),
            get_task::slice(),
            http_api::history::slice::<Task>("get-task-history", "/api/tasks/{id}/history"),
            edit_task::slice(),
            complete_task::slice(),
            cancel_task::slice(),
            reopen_task::slice(),
            list_tasks::slice(),
            list_overdue_tasks::slice(),
            list_record_tasks::slice(),
        ],
    )
    .holding_personal_data::<Task>()
}
