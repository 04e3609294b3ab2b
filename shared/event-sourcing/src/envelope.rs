//! What is stored: one immutable event in one aggregate's stream.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};
use uuid::Uuid;

use crate::personal::PersonalData;
use crate::trace::TraceContext;

/// The stream of one aggregate instance: `<aggregateType>#<aggregateId>` in the store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamId {
    pub aggregate_type: String,
    pub aggregate_id: String,
}

impl StreamId {
    pub fn new(aggregate_type: impl Into<String>, aggregate_id: impl Into<String>) -> Self {
        Self {
            aggregate_type: aggregate_type.into(),
            aggregate_id: aggregate_id.into(),
        }
    }

    /// The partition key the original Node version wrote, kept so its data stays readable.
    pub fn partition_key(&self) -> String {
        format!("{}#{}", self.aggregate_type, self.aggregate_id)
    }
}

impl std::fmt::Display for StreamId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.partition_key())
    }
}

/// A stored event with everything needed to read it back without its aggregate's code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventEnvelope {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub event_id: Uuid,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub payload: Value,
    pub trace: TraceContext,
    /// The event whose subscriber added this one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// Whose personal data the payload holds, for the store to seal; never stored as such.
    #[serde(skip)]
    pub personal: Option<PersonalData>,
}

impl EventEnvelope {
    pub fn stream(&self) -> StreamId {
        StreamId::new(&self.aggregate_type, &self.aggregate_id)
    }

    /// Decodes the payload into the aggregate's event type, upcast from the schema it was
    /// stored at.
    pub fn decode<E: DomainEvent>(&self) -> Result<E, serde_json::Error> {
        let payload = E::upcast(&self.event_type, self.schema_version, self.payload.clone())?;
        E::decode(&self.event_type, &payload)
    }
}

/// An event decided but not yet given a version.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub event_type: String,
    pub schema_version: u32,
    pub payload: Value,
    pub personal: Option<PersonalData>,
}

impl NewEvent {
    pub fn from_domain<E: DomainEvent>(event: &E) -> Result<Self, serde_json::Error> {
        let (event_type, payload) = event.encode()?;
        Ok(Self {
            event_type,
            schema_version: E::SCHEMA_VERSION,
            payload,
            personal: event.personal_data(),
        })
    }
}

/// Events for one stream, to be written right after `expected_version` (0 for a new stream).
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAppend {
    pub stream: StreamId,
    pub expected_version: u64,
    pub events: Vec<NewEvent>,
    /// The stream's state after these events, to store once they are written (see
    /// `crate::store::Snapshot`).
    pub snapshot: Option<crate::store::Snapshot>,
}

impl PendingAppend {
    /// Gives every event its version, id, timestamp and trace.
    pub fn into_envelopes(
        self,
        trace: &TraceContext,
        now: OffsetDateTime,
        causation_id: Option<Uuid>,
    ) -> Vec<EventEnvelope> {
        let occurred_at = now.format(&Rfc3339).unwrap_or_else(|_| now.to_string());
        self.events
            .into_iter()
            .zip(self.expected_version + 1..)
            .map(|(event, version)| EventEnvelope {
                aggregate_type: self.stream.aggregate_type.clone(),
                aggregate_id: self.stream.aggregate_id.clone(),
                version,
                event_type: event.event_type,
                schema_version: event.schema_version,
                event_id: Uuid::new_v4(),
                occurred_at: occurred_at.clone(),
                payload: event.payload,
                trace: trace.clone(),
                causation_id,
                personal: event.personal,
            })
            .collect()
    }
}

/// An aggregate's event enum, stored as `eventType` plus `payload`.
///
/// Implementors derive serde with `#[serde(tag = "eventType", content = "payload")]`; the default
/// methods rely on that shape, so one enum variant is one stored event type.
pub trait DomainEvent: Serialize + DeserializeOwned {
    const SCHEMA_VERSION: u32 = 1;

    /// Which of this event's payload fields are a person's data, and whose: the store seals
    /// them with that person's key, so erasing the person makes them unreadable.
    fn personal_data(&self) -> Option<PersonalData> {
        None
    }

    fn encode(&self) -> Result<(String, Value), serde_json::Error> {
        use serde::ser::Error;
        match serde_json::to_value(self)? {
            Value::Object(mut fields) => {
                let event_type = match fields.remove("eventType") {
                    Some(Value::String(event_type)) => event_type,
                    _ => return Err(serde_json::Error::custom("event has no eventType tag")),
                };
                let payload = fields.remove("payload").unwrap_or(Value::Null);
                Ok((event_type, payload))
            }
            _ => Err(serde_json::Error::custom(
                "event is not an adjacently tagged enum",
            )),
        }
    }

    fn decode(event_type: &str, payload: &Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "eventType": event_type, "payload": payload }))
    }

    /// The upcasting hook: brings a payload stored at an older `schema_version` to
    /// [`Self::SCHEMA_VERSION`]. An event changes shape by raising its schema version and
    /// overriding this; a payload from a newer schema than this code knows is refused, never
    /// misread.
    fn upcast(
        event_type: &str,
        schema_version: u32,
        payload: Value,
    ) -> Result<Value, serde_json::Error> {
        use serde::de::Error;
        if schema_version > Self::SCHEMA_VERSION {
            return Err(serde_json::Error::custom(format!(
                "{event_type} was stored at schema v{schema_version}; this code reads up to v{}",
                Self::SCHEMA_VERSION
            )));
        }
        Self::upgrade(event_type, schema_version, payload)
    }

    /// What an event that changed shape overrides: a payload of an older schema (never a newer
    /// one: [`Self::upcast`] refuses those first) brought to [`Self::SCHEMA_VERSION`].
    fn upgrade(
        _event_type: &str,
        _schema_version: u32,
        payload: Value,
    ) -> Result<Value, serde_json::Error> {
        Ok(payload)
    }

    /// Whether this enum has a variant for `event_type`. A read model skips an event type its
    /// code does not know yet (a slice deployed before the stream consumer) instead of
    /// blocking on it.
    fn knows(event_type: &str) -> bool {
        // An adjacently tagged enum refuses an unknown tag with serde's `unknown variant`
        // error, before it looks at the payload.
        match serde_json::from_value::<Self>(serde_json::json!({ "eventType": event_type })) {
            Ok(_) => true,
            Err(error) => !error.to_string().starts_with("unknown variant"),
        }
    }
}

/// RFC 3339 in UTC, the one timestamp format the system writes.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.checked_to_offset(time::UtcOffset::UTC)
        .and_then(|utc| utc.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "eventType", content = "payload")]
    enum Shelf {
        Stocked { count: u32 },
    }

    impl DomainEvent for Shelf {}

    #[test]
    fn an_enum_knows_its_event_types_whatever_their_payload() {
        assert!(Shelf::knows("Stocked"));
        assert!(!Shelf::knows("Emptied"));
    }

    #[test]
    fn a_payload_from_a_newer_schema_is_refused_not_misread() {
        let payload = serde_json::json!({ "count": 3 });
        assert_eq!(
            Shelf::upcast("Stocked", 1, payload.clone()).unwrap(),
            payload
        );
        let newer = Shelf::upcast("Stocked", 2, payload).unwrap_err();
        assert!(newer.to_string().contains("schema v2"), "{newer}");
    }
}
