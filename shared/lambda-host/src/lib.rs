//! Runs the slices as Lambda functions: configuration from the environment, the stores wired on
//! DynamoDB (sealing personal data), the time budget, the per-request dispatch every HTTP
//! Lambda shares (auth, trace, idempotency, batch flush, problem+json) and logging, so a
//! slice's `main` is one call to [`serve`].

// A panic kills a Lambda instance built with `panic=abort`: no unwrap, expect, panic or
// unchecked indexing outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
#![cfg_attr(not(test), deny(clippy::expect_used))]
#![cfg_attr(not(test), deny(clippy::panic))]
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod app;
mod budget;
mod dispatch;
mod logging;

#[cfg(feature = "testing")]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub mod testing;

pub use app::App;
pub use budget::TimeBudget;
pub use dispatch::{dispatch, serve, serve_http};
pub use logging::{init_logging, json_logs};
