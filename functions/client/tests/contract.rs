//! The client stream as `contracts::client_stream` reads it must agree with the client
//! aggregate, folded from the stream or read from the client's snapshot.

use client::fixtures::{created, edited, linked, unlinked};
use client::{Client, ClientEvent};
use contracts::client_stream::{ClientName, ClientNameEvent};
use contracts::links::UnlinkCause;
use event_sourcing::store::Snapshot;
use event_sourcing::{Aggregate, DomainEvent};
use proptest::prelude::*;

fn any_event() -> impl Strategy<Value = ClientEvent> {
    prop_oneof![
        Just(created()),
        prop_oneof![Just("Acme"), Just("Acme Ltd")].prop_map(|name| edited(name, Some("Retail"))),
        Just(edited("Acme", None)),
        Just(linked("c1")),
        Just(unlinked("c1", UnlinkCause::Requested)),
    ]
}

proptest! {
    #[test]
    fn folded_or_read_from_a_snapshot_the_name_is_the_clients(
        events in proptest::collection::vec(any_event(), 0..10)
    ) {
        let client = Client::from_events(&events);
        let expected = ClientName(client.active("k1").ok().map(|c| c.name.clone()));
        let stream: Vec<ClientNameEvent> = events
            .iter()
            .map(|event| {
                let (event_type, payload) = event.encode().unwrap();
                ClientNameEvent::decode(&event_type, &payload).unwrap()
            })
            .collect();
        prop_assert_eq!(&ClientName::from_events(&stream), &expected);
        let snapshot = Snapshot {
            version: events.len() as u64,
            shape: Client::SNAPSHOT_SHAPE.unwrap(),
            state: serde_json::to_string(&client).unwrap(),
        };
        prop_assert_eq!(ClientName::restore(&snapshot), Some(expected));
    }
}

/// The view decodes the client's events at the schema the client stores them at: raising the
/// client's schema version fails here until the view reads the new one.
#[test]
fn the_view_reads_the_clients_events_at_their_schema() {
    assert_eq!(ClientNameEvent::SCHEMA_VERSION, ClientEvent::SCHEMA_VERSION);
}
