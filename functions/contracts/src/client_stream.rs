//! A client's stream as the other aggregates see it: whether the client exists, and its name.
//!
//! The client crate owns the stream and its snapshot; [`ClientName`] reads that snapshot
//! (never stores one), so it costs one read of the stream's end however long the stream
//! grows. The client crate's tests hold both readings equal.

use event_sourcing::store::Snapshot;
use event_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::streams::CLIENT;

/// The shape of the client aggregate's snapshots, which [`ClientName`] reads.
pub const CLIENT_SNAPSHOT_SHAPE: u32 = 1;

/// The payload fields of `ClientCreated` and `ClientEdited` this contract reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
}

/// The client events this contract reads; none is ever recorded from here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum ClientNameEvent {
    #[serde(skip)]
    Created(Named),
    #[serde(skip)]
    Edited(Named),
    /// Any other client event: not part of this contract.
    #[serde(skip)]
    Other,
}

impl DomainEvent for ClientNameEvent {
    fn decode(event_type: &str, payload: &serde_json::Value) -> Result<Self, serde_json::Error> {
        match event_type {
            "ClientCreated" => Ok(ClientNameEvent::Created(named(payload)?)),
            "ClientEdited" => Ok(ClientNameEvent::Edited(named(payload)?)),
            _ => Ok(ClientNameEvent::Other),
        }
    }
}

fn named(payload: &serde_json::Value) -> Result<Named, serde_json::Error> {
    serde_json::from_value(payload.clone())
}

/// A client as the contract sees it: its name once created (clients are never deleted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientName(pub Option<String>);

impl ClientName {
    pub fn exists(&self) -> bool {
        self.0.is_some()
    }
}

impl Aggregate for ClientName {
    const TYPE: &'static str = CLIENT;
    /// The client aggregate owns the stream's snapshot: this view reads it, never stores one.
    const SNAPSHOT_SHAPE: Option<u32> = None;
    const READS_SNAPSHOTS: bool = true;
    type Event = ClientNameEvent;

    /// As the client aggregate's `evolve`: an edit renames only a client that exists.
    fn evolve(self, event: &ClientNameEvent) -> Self {
        match event {
            ClientNameEvent::Created(named) => ClientName(Some(named.name.clone())),
            ClientNameEvent::Edited(named) if self.exists() => ClientName(Some(named.name.clone())),
            ClientNameEvent::Edited(_) | ClientNameEvent::Other => self,
        }
    }

    /// The client aggregate's snapshot is `"NotCreated"` or `{"Active": {"name": .., ..}}`.
    fn restore(snapshot: &Snapshot) -> Option<Self> {
        if snapshot.shape != CLIENT_SNAPSHOT_SHAPE {
            return None;
        }
        match serde_json::from_str::<serde_json::Value>(&snapshot.state).ok()? {
            serde_json::Value::String(unit) if unit == "NotCreated" => Some(ClientName(None)),
            serde_json::Value::Object(fields) if fields.len() == 1 => {
                let name = fields.get("Active")?.get("name")?.as_str()?;
                Some(ClientName(Some(name.to_owned())))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_snapshot_reads_as_its_name_and_nothing_else_does() {
        let snapshot = |shape, state: &str| Snapshot {
            version: 8,
            shape,
            state: state.to_owned(),
        };
        let active = r#"{"Active":{"clientId":"k1","name":"Acme","contacts":[]}}"#;
        assert_eq!(
            ClientName::restore(&snapshot(CLIENT_SNAPSHOT_SHAPE, active)),
            Some(ClientName(Some("Acme".into())))
        );
        assert_eq!(
            ClientName::restore(&snapshot(CLIENT_SNAPSHOT_SHAPE, r#""NotCreated""#)),
            Some(ClientName(None))
        );
        assert_eq!(
            ClientName::restore(&snapshot(CLIENT_SNAPSHOT_SHAPE + 1, active)),
            None
        );
        assert_eq!(
            ClientName::restore(&snapshot(CLIENT_SNAPSHOT_SHAPE, r#"{"Active":{}}"#)),
            None
        );
    }

    #[test]
    fn its_events_are_never_recorded() {
        assert!(ClientNameEvent::Other.encode().is_err());
        assert!(ClientNameEvent::Created(Named { name: "A".into() })
            .encode()
            .is_err());
    }
}
