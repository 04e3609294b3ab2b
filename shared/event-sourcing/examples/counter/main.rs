//! The core alone, with the in-memory stores: a command service deciding and appending, a lost
//! race detected, a refusal, the state as it was, and a read model from the appended events.
//!
//! `cargo run -p event-sourcing --example counter`

mod aggregate;
mod view;

use std::sync::Arc;

use aggregate::{increment, Counter};
use event_sourcing::projection::{InMemoryProjectionStore, ItemKey, ProjectionStore};
use event_sourcing::{AsOf, CommandError, CommandService, Expected, InMemoryEventStore};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events = Arc::new(InMemoryEventStore::new());
    let service = CommandService::direct(events.clone());

    let mut appended = Vec::new();
    for by in [3, 4] {
        let outcome = service
            .execute::<Counter, _>("c-1", Expected::Any, |state| increment(state, by))
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "+{by}: total {} at version {}",
            outcome.state.total, outcome.version
        );
        appended.extend(outcome.events);
    }

    // A writer that read version 1 lost the race to the one that wrote version 2.
    let stale = service
        .execute::<Counter, _>("c-1", Expected::Version(1), |state| increment(state, 1))
        .await;
    assert!(matches!(
        stale,
        Err(CommandError::VersionMismatch { actual: 2, .. })
    ));
    println!(
        "a write expecting version 1: {}",
        stale.err().map(|e| e.to_string()).unwrap_or_default()
    );

    // The rule refuses, and nothing is written.
    let refused = service
        .execute::<Counter, _>("c-1", Expected::Any, |state| increment(state, 5))
        .await;
    println!(
        "+5: {}",
        refused.err().map(|e| e.to_string()).unwrap_or_default()
    );

    let then = service
        .load_as_of::<Counter>("c-1", Some(AsOf::Version(1)))
        .await?;
    println!("as it was at version 1: total {}", then.state.total);

    let views = Arc::new(InMemoryProjectionStore::new());
    let report = view::consumer(views.clone(), events.clone())
        .process(view::records(&appended))
        .await;
    assert!(report.failed.is_empty());
    let stored = views.get(&ItemKey::new("counter#c-1", "total")).await?;
    println!("read model: {}", stored.view.unwrap_or_default());
    Ok(())
}
