//! Building DynamoDB stream events the way the event source mapping delivers them.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(dead_code)]

use event_sourcing::trace::TraceContext;
use event_sourcing::{EventEnvelope, NewEvent, PendingAppend, StreamId};
use serde_json::{json, Value};
use time::OffsetDateTime;

/// The INSERT record of a stored event: NEW_IMAGE in DynamoDB JSON, as the stream carries it.
pub fn insert_record(event: &EventEnvelope, sequence: u64) -> Value {
    let mut image: serde_dynamo::Item = serde_dynamo::to_item(event).expect("event to item");
    image.insert(
        "PK".into(),
        serde_dynamo::AttributeValue::S(event.stream().partition_key()),
    );
    image.insert(
        "SK".into(),
        serde_dynamo::AttributeValue::S(format!("v{:010}", event.version)),
    );
    let keys = json!({ "PK": { "S": event.stream().partition_key() }, "SK": { "S": format!("v{:010}", event.version) } });
    json!({
        "eventID": format!("id-{sequence}"),
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/EventStore/stream/2026-01-01T00:00:00.000",
        "dynamodb": {
            "ApproximateCreationDateTime": 1767225600.0,
            "Keys": keys,
            "NewImage": serde_json::to_value(&image).expect("image to json"),
            "SequenceNumber": format!("{sequence:021}"),
            "SizeBytes": 512,
            "StreamViewType": "NEW_IMAGE"
        }
    })
}

pub fn stream_event(records: Vec<Value>) -> Value {
    json!({ "Records": records })
}

pub fn envelope(
    aggregate_type: &str,
    id: &str,
    version: u64,
    event_type: &str,
    payload: Value,
) -> EventEnvelope {
    let now = OffsetDateTime::now_utc();
    PendingAppend {
        stream: StreamId::new(aggregate_type, id),
        expected_version: version - 1,
        snapshot: None,
        events: vec![NewEvent {
            event_type: event_type.into(),
            schema_version: 1,
            payload,
            personal: None,
        }],
    }
    .into_envelopes(
        &TraceContext::from_hints(&Default::default(), now),
        now,
        None,
    )
    .remove(0)
}

/// Contact `id` created, at version 1.
pub fn contact_created(id: &str, name: &str, email: &str) -> EventEnvelope {
    envelope(
        "contact",
        id,
        1,
        "ContactCreated",
        json!({ "contactId": id, "name": name, "email": email }),
    )
}

/// Contact `id` edited to this name and email, at `version`.
pub fn contact_edited(id: &str, version: u64, name: &str, email: &str) -> EventEnvelope {
    envelope(
        "contact",
        id,
        version,
        "ContactEdited",
        json!({ "contactId": id, "name": name, "email": email }),
    )
}

/// Client `id` created, at version 1.
pub fn client_created(id: &str, name: &str) -> EventEnvelope {
    envelope(
        "client",
        id,
        1,
        "ClientCreated",
        json!({ "clientId": id, "name": name }),
    )
}
