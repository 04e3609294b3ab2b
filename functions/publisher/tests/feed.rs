//! The publisher on moto's EventBridge and SQS: every public event of a batch reaches the
//! queue through the bus's rule, whatever the bus refuses on the way (entries of a call, then
//! whole calls), duplicated only by id; no person's data is in anything published; a batch
//! of 100 records costs 10 `PutEvents`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use case::case::Direction;
use contracts::feed::Publication;
use crypto_shredding::DataKey;
use event_sourcing::projection::IncomingRecord as Record;
use event_sourcing::testing::recorded;
use event_sourcing::{DomainEvent, EventEnvelope};
use publisher::{feeds, publish, Bus, BusError, Entry, EventBridgeBus};
use serde_json::Value;
use time::macros::datetime;

/// The people's strings: none may be published.
const PERSONAL: [&str; 4] = ["Ada", "example.com", "Printer", "Called"];

fn envelope<E: DomainEvent>(aggregate: &str, id: &str, version: u64, event: &E) -> EventEnvelope {
    let at = datetime!(2026-03-02 09:00 UTC) + time::Duration::minutes(version as i64);
    let mut stored = recorded(aggregate, id, version, event, at);
    // Stored as the event store stores it: the person's fields sealed under their key.
    if let Some(personal) = event.personal_data() {
        stored.payload =
            crypto_shredding::seal(&stored.payload, &personal, &DataKey::generate()).unwrap();
    }
    stored
}

fn person(id: &str, name: &str, email: &str) -> contact::ContactEvent {
    contact::ContactEvent::ContactCreated(contact::create_contact::ContactCreated {
        contact_id: id.into(),
        name: name.into(),
        email: email.into(),
        phone: Some("+44 20 7946 0000".into()),
    })
}

/// A fixture event of case `s1`, as case `id`'s.
fn of_case(event: case::CaseEvent, id: &str) -> case::CaseEvent {
    use case::CaseEvent::{CaseCreated, InteractionAdded};
    match event {
        CaseCreated(mut created) => {
            created.case_id = id.into();
            CaseCreated(created)
        }
        InteractionAdded(mut added) => {
            added.case_id = id.into();
            InteractionAdded(added)
        }
        other => other,
    }
}

/// Ten people, each with a case naming them: 50 records, 40 of them public.
fn records() -> Vec<Record> {
    let mut events = Vec::new();
    for i in 0..10 {
        let contact = format!("c{i}");
        let created = person(
            &contact,
            &format!("Ada {i}"),
            &format!("ada{i}@example.com"),
        );
        events.push(envelope("contact", &contact, 1, &created));
        let case = format!("s{i}");
        events.push(envelope(
            "case",
            &case,
            1,
            &of_case(case::fixtures::opened(), &case),
        ));
        let called = case::fixtures::call_added(datetime!(2026-03-02 10:00 UTC), Some(&contact));
        events.push(envelope("case", &case, 2, &of_case(called, &case)));
        let mention = contact::ContactEvent::MentionedInCase(contact::CaseMention {
            case_id: case.clone(),
            interaction_id: "i-1".into(),
        });
        events.push(envelope("contact", &contact, 2, &mention));
        let answered =
            case::fixtures::interaction(Direction::Outbound, datetime!(2026-03-02 11:00 UTC));
        events.push(envelope("case", &case, 3, &of_case(answered, &case)));
    }
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Record {
            sequence_number: format!("{i:08}"),
            event: Ok(event),
        })
        .collect()
}

/// The real bus behind a gate that refuses the second entry of each of the first three
/// calls, then the next six calls whole (more than one invocation retries); it counts calls.
struct Gate {
    bus: EventBridgeBus,
    calls: AtomicUsize,
    refusing: bool,
}

#[async_trait]
impl Bus for Gate {
    async fn put(&self, entries: &[Entry]) -> Result<Vec<Option<String>>, BusError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.refusing && (3..9).contains(&call) {
            return Err(BusError("ThrottlingException (injected)".into()));
        }
        if self.refusing && call < 3 && entries.len() > 1 {
            let mut passed: Vec<Entry> = entries.to_vec();
            passed.remove(1);
            let mut answer = self.bus.put(&passed).await?;
            answer.insert(1, Some("InternalFailure (injected)".into()));
            return Ok(answer);
        }
        self.bus.put(entries).await
    }
}

async fn config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// Delivers the records as the event source mapping does: again from the first reported
/// failure, until none is reported.
async fn deliver(bus: &dyn Bus, name: &str, mut records: Vec<Record>) -> usize {
    let feeds = feeds();
    let mut invocations = 0;
    loop {
        invocations += 1;
        assert!(invocations < 20, "the batch never went through");
        let again: Vec<Record> = records
            .iter()
            .map(|r| Record {
                sequence_number: r.sequence_number.clone(),
                event: r.event.clone(),
            })
            .collect();
        let (report, _) = publish(&feeds, bus, name, again).await;
        let Some(from) = report.failed_from else {
            return invocations;
        };
        let at = records
            .iter()
            .position(|r| r.sequence_number == from)
            .unwrap();
        records.drain(..at);
    }
}

#[tokio::test]
async fn every_public_event_reaches_the_queue_whatever_the_bus_refuses_and_no_personal_data() {
    let config = config().await;
    let name = format!(
        "faults-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let queue = publisher::local::create_feed(&config, &name).await.unwrap();
    let gate = Gate {
        bus: EventBridgeBus::default(),
        calls: AtomicUsize::new(0),
        refusing: true,
    };
    let batch = records();
    let expected: BTreeSet<String> = batch
        .iter()
        .filter_map(|r| r.event.as_ref().ok())
        .filter(|e| e.event_type != "MentionedInCase")
        .map(|e| e.event_id.to_string())
        .collect();
    let invocations = deliver(&gate, &name, batch).await;
    assert!(
        invocations > 1,
        "the injected failures made the mapping deliver again"
    );

    let received = publisher::local::drain(&config, &queue, 1000)
        .await
        .unwrap();
    let text = serde_json::to_string(&received).unwrap();
    for personal in PERSONAL {
        assert!(!text.contains(personal), "{personal} was published: {text}");
    }
    // Duplicates only by id: the same id is the same event.
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for message in &received {
        let event = message["detail"].clone();
        let id = event["id"].as_str().unwrap().to_owned();
        if let Some(seen) = by_id.insert(id, event.clone()) {
            assert_eq!(seen, event, "a duplicate differs from its first delivery");
        }
    }
    assert_eq!(
        by_id.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "every public event, and only those, by id"
    );
    // Per record, sorted by sequence, the stream's order.
    let mut per_subject: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for event in by_id.values() {
        per_subject
            .entry(event["subject"].as_str().unwrap().to_owned())
            .or_default()
            .push(event["sequence"].as_str().unwrap().to_owned());
    }
    assert_eq!(per_subject["case/s3"].len(), 3);
    assert_eq!(per_subject["contact/c3"], vec!["00000000000000000001"]);
    let types: BTreeSet<&str> = by_id
        .values()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "eventcrm.case.created.v1",
            "eventcrm.case.interaction-added.v1",
            "eventcrm.contact.created.v1"
        ])
    );
}

#[tokio::test]
async fn a_batch_of_100_records_costs_10_put_events_and_replays_from_the_archive() {
    let config = config().await;
    let name = format!("cost-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let queue = publisher::local::create_feed(&config, &name).await.unwrap();
    let gate = Gate {
        bus: EventBridgeBus::default(),
        calls: AtomicUsize::new(0),
        refusing: false,
    };
    let records: Vec<Record> = (0..100)
        .map(|i| {
            let contact = format!("c{i}");
            let created = person(&contact, "Ada", "ada@example.com");
            Record {
                sequence_number: format!("{i:08}"),
                event: Ok(envelope("contact", &contact, 1, &created)),
            }
        })
        .collect();
    let (report, response) = publish(&feeds(), &gate, &name, records).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!((report.entries, report.calls), (100, 10));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 10, "PutEvents calls");
    println!("| 100 records | {} PutEvents |", report.calls);
    let first: BTreeSet<String> = publisher::local::drain(&config, &queue, 1000)
        .await
        .unwrap()
        .iter()
        .map(|m| m["detail"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(first.len(), 100);

    // Replayed from the archive: the same public events again, recognisable by their ids.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    publisher::local::replay(
        &config,
        &name,
        &format!("{name}-archive"),
        now - 3600,
        now + 60,
    )
    .await
    .unwrap();
    let replayed = publisher::local::drain(&config, &queue, 1000)
        .await
        .unwrap();
    assert!(
        replayed.iter().all(|m| m["replay-name"].is_string()),
        "{replayed:?}"
    );
    let again: BTreeSet<String> = replayed
        .iter()
        .map(|m| m["detail"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(again, first);
}

#[test]
fn every_stream_type_has_a_feed_and_the_feed_withholds_on_purpose() {
    let feeds = feeds();
    let aggregates: BTreeSet<&str> = feeds.iter().map(|f| f.aggregate).collect();
    assert_eq!(aggregates, contracts::streams::ALL.into_iter().collect());
    let mention = envelope(
        "contact",
        "c1",
        2,
        &contact::ContactEvent::MentionedInCase(contact::CaseMention {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
        }),
    );
    let feed = feeds.iter().find(|f| f.aggregate == "contact").unwrap();
    assert!(matches!(
        feed.publication(&mention),
        Ok(Publication::Withheld(_))
    ));
}
