//! The contact stream as `contracts::contact_stream` reads it must agree with the contact
//! aggregate: the other aggregates decide on `ContactRecord` (folded from the stream, or read
//! from the contact's snapshot) and record events the contact aggregate reads back as its own.

use contact::fixtures::{ada, created, deleted, edited, erased, linked, unlinked};
use contact::{CaseMention, Contact, ContactEvent};
use contracts::contact_stream::{ContactRecord, ContactStatus, ContactStreamEvent};
use event_sourcing::store::Snapshot;
use event_sourcing::{Aggregate, DomainEvent};
use proptest::prelude::*;

fn any_event() -> impl Strategy<Value = ContactEvent> {
    prop_oneof![
        Just(created()),
        Just(edited(&ada())),
        Just(deleted(&[])),
        Just(erased()),
        prop_oneof![Just("k1"), Just("k2")].prop_map(linked),
        prop_oneof![Just("k1"), Just("k2")].prop_map(unlinked),
        Just(ContactEvent::MentionedInCase(CaseMention {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
        })),
    ]
}

/// What the contract must say of a contact in this state.
fn expected(contact: &Contact) -> ContactRecord {
    let status = match contact {
        Contact::NotCreated => ContactStatus::NotCreated,
        Contact::Active(_) => ContactStatus::Active,
        Contact::Deleted(_) => ContactStatus::Deleted,
        Contact::Erased => ContactStatus::Erased,
    };
    ContactRecord {
        status,
        clients: contact
            .held()
            .map(|d| d.clients.clone())
            .unwrap_or_default(),
    }
}

proptest! {
    #[test]
    fn folded_or_read_from_a_snapshot_the_record_is_the_contacts(
        events in proptest::collection::vec(any_event(), 0..12)
    ) {
        let contact = Contact::from_events(&events);
        let stream: Vec<ContactStreamEvent> = events
            .iter()
            .map(|event| {
                let (event_type, payload) = event.encode().unwrap();
                ContactStreamEvent::decode(&event_type, &payload).unwrap()
            })
            .collect();
        prop_assert_eq!(ContactRecord::from_events(&stream), expected(&contact));
        let snapshot = Snapshot {
            version: events.len() as u64,
            shape: Contact::SNAPSHOT_SHAPE.unwrap(),
            state: serde_json::to_string(&contact).unwrap(),
        };
        prop_assert_eq!(ContactRecord::restore(&snapshot), Some(expected(&contact)));
    }
}

#[test]
fn what_other_aggregates_record_is_stored_as_the_contacts_own_events() {
    let mention = CaseMention {
        case_id: "s1".into(),
        interaction_id: "i1".into(),
    };
    let pairs = [
        (linked("k1"), ContactEvent::LinkedToClient(link("k1"))),
        (
            unlinked("k1"),
            ContactEvent::UnlinkedFromClient(unlink("k1")),
        ),
        (
            ContactEvent::MentionedInCase(mention.clone()),
            ContactEvent::MentionedInCase(mention),
        ),
    ];
    for (own, _) in &pairs {
        let recorded = match own {
            ContactEvent::LinkedToClient(l) => ContactStreamEvent::LinkedToClient(l.clone()),
            ContactEvent::UnlinkedFromClient(u) => {
                ContactStreamEvent::UnlinkedFromClient(u.clone())
            }
            ContactEvent::MentionedInCase(m) => ContactStreamEvent::MentionedInCase(m.clone()),
            other => unreachable!("{other:?}"),
        };
        let (event_type, payload) = recorded.encode().unwrap();
        assert_eq!((event_type.clone(), payload.clone()), own.encode().unwrap());
        assert_eq!(&ContactEvent::decode(&event_type, &payload).unwrap(), own);
    }
}

fn link(client: &str) -> contracts::links::ClientContactLink {
    match linked(client) {
        ContactEvent::LinkedToClient(link) => link,
        other => unreachable!("{other:?}"),
    }
}

fn unlink(client: &str) -> contracts::links::ClientContactUnlink {
    match unlinked(client) {
        ContactEvent::UnlinkedFromClient(unlink) => unlink,
        other => unreachable!("{other:?}"),
    }
}
