//! Runs the slices as Lambda functions: configuration from the environment, the stores wired on
//! DynamoDB (sealing personal data), the time budget, the per-request dispatch every HTTP
//! Lambda shares (auth, trace, idempotency, batch flush, problem+json) and logging, so a
//! slice's `main` is one call to [`serve`] (a scheduled job's to [`serve_scheduled`]).

mod app;
mod budget;
mod dispatch;
mod job;
mod logging;

#[cfg(feature = "testing")]
pub mod testing;

pub use app::App;
pub use budget::TimeBudget;
pub use dispatch::{dispatch, serve, serve_http};
pub use job::serve_scheduled;
pub use logging::{init_logging, json_logs};
