//! The EventStore's DynamoDB Stream as Lambda receives it: the records that carry events.

use event_sourcing::projection::IncomingRecord;
use event_sourcing::EventEnvelope;
use serde_json::Value;

use crate::item::{is_event_key, is_event_partition};

/// Reads each record on its own, so one malformed record fails alone. Only INSERTs of event
/// items carry events (events are never modified; idempotency records share the table but
/// are not events, nor are snapshots); other records are skipped.
pub fn parse_records(event: &Value) -> Vec<IncomingRecord> {
    let Some(records) = event.get("Records").and_then(Value::as_array) else {
        return Vec::new();
    };
    records
        .iter()
        .enumerate()
        .filter(|(_, raw)| raw.get("eventName").and_then(Value::as_str) == Some("INSERT"))
        .filter(|(_, raw)| {
            let key = |name| raw.pointer(name).and_then(Value::as_str);
            match (key("/dynamodb/Keys/PK/S"), key("/dynamodb/Keys/SK/S")) {
                (Some(pk), Some(sk)) => is_event_key(pk, sk),
                (Some(pk), None) => is_event_partition(pk),
                _ => true,
            }
        })
        .map(|(position, raw)| IncomingRecord {
            sequence_number: raw
                .pointer("/dynamodb/SequenceNumber")
                .and_then(Value::as_str)
                .map_or_else(|| format!("record-{position}"), str::to_owned),
            event: raw
                .pointer("/dynamodb/NewImage")
                .ok_or_else(|| "not a DynamoDB stream record: no NewImage".to_owned())
                .and_then(|image| {
                    serde_json::from_value::<serde_dynamo::Item>(image.clone())
                        .map_err(|e| format!("not a DynamoDB stream record: {e}"))
                })
                .and_then(|item| {
                    serde_dynamo::from_item::<_, EventEnvelope>(item)
                        .map_err(|e| format!("not an event: {e}"))
                }),
        })
        .collect()
}
