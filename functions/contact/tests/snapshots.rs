//! Snapshots of a contact's stream, on the in-memory store: taken by commands every
//! `SNAPSHOT_EVERY` events, sealed (they hold the person's data), and never trusted over the
//! stream when they are of another shape or unreadable.

use contact::fixtures::{ada, ada_body};
use contact::Contact;
use event_sourcing::store::{Snapshot, SnapshotStore, SNAPSHOT_EVERY};
use event_sourcing::{Aggregate, StreamId, WriteMode};
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::json;

async fn edited_many_times(api: &TestApi) -> u64 {
    assert_eq!(
        api.call("POST", "/api/contacts", Some(ada_body()))
            .await
            .status(),
        201
    );
    for n in 0..SNAPSHOT_EVERY + 2 {
        let edit = json!({ "name": format!("Ada {n}") });
        let edited = api.call("PATCH", "/api/contacts/c1", Some(edit)).await;
        assert_eq!(edited.status(), 200);
    }
    SNAPSHOT_EVERY + 3
}

fn stream() -> StreamId {
    Contact::stream("c1")
}

#[tokio::test]
async fn commands_store_a_sealed_snapshot_every_few_events_in_both_modes() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let api = TestApi::with_mode([contact::registry()], mode);
        let version = edited_many_times(&api).await;
        let snapshot = api.store.snapshot_of(&stream()).expect("a snapshot");
        assert_eq!(snapshot.version, SNAPSHOT_EVERY, "{mode:?}");
        assert_eq!(snapshot.shape, Contact::SNAPSHOT_SHAPE.unwrap());
        assert!(
            !snapshot.state.contains("Ada") && !snapshot.state.contains("ada@"),
            "{mode:?}: sealed, {}",
            snapshot.state
        );
        let got = body_json(&api.call("GET", "/api/contacts/c1", None).await);
        assert_eq!(got["name"], format!("Ada {}", SNAPSHOT_EVERY + 1));
        assert_eq!(got["version"], version);
    }
}

#[tokio::test]
async fn a_snapshot_of_another_shape_or_unreadable_is_ignored_for_the_stream() {
    for state in [
        // A shape from an older build, whose state would mislead.
        (
            Contact::SNAPSHOT_SHAPE.unwrap() + 1,
            json!({ "Active": { "contactId": "c1", "name": "Stale", "email": "stale@example.com", "phone": null, "clients": [] } }),
        ),
        // The current shape, but a state this build cannot read.
        (Contact::SNAPSHOT_SHAPE.unwrap(), json!({ "Unknown": 1 })),
    ] {
        let api = TestApi::in_memory([contact::registry()]);
        let version = edited_many_times(&api).await;
        let planted = Snapshot {
            version: version + 100,
            shape: state.0,
            state: state.1.to_string(),
        };
        api.store.save_snapshot(&stream(), &planted).await.unwrap();
        let got = body_json(&api.call("GET", "/api/contacts/c1", None).await);
        assert_eq!(got["name"], format!("Ada {}", SNAPSHOT_EVERY + 1));
        assert_eq!(got["version"], version);
    }
}

/// A stored snapshot outlives the build that wrote it: when this sample's JSON changes, so
/// does the shape, or old snapshots would be read as the new state.
#[test]
fn the_snapshot_shape_changes_with_the_state() {
    let sample = Contact::Active(ada());
    assert_eq!(
        (
            Contact::SNAPSHOT_SHAPE,
            serde_json::to_value(&sample).unwrap()
        ),
        (
            Some(1),
            json!({ "Active": { "contactId": "c1", "name": "Ada", "email": "ada@example.com", "phone": null, "clients": [] } })
        ),
        "the contact's state changed: raise Contact::SNAPSHOT_SHAPE and update this sample"
    );
}
