//! The public change feed's contract: what each internal event becomes outside (or why it
//! stays inside), and the CloudEvents 1.0 envelope every published event travels in.
//!
//! The feed is a contract of its own, separate from the internal events: each aggregate maps
//! its events here with an exhaustive `match` (a new event does not compile until it is
//! decided), reading them as they are upcast to the current schema, so an internal event
//! can change shape without changing its public form. A public event carries ids, versions,
//! statuses, amounts, dates and the names of changed fields: never a person's name, email,
//! phone or any free text. Archives, queues and subscribers keep what they receive, and no
//! erasure can reach them; what the publisher reads has personal data sealed, and it opens
//! none (a sealed field reads as erased).

use event_sourcing::{DomainEvent, EventEnvelope};
use serde_json::{json, Map, Value};

/// The CloudEvents `source` of every public event.
pub const SOURCE: &str = "eventcrm";

/// What the feed makes of one internal event.
#[derive(Clone, Debug, PartialEq)]
pub enum Publication {
    /// Published as `eventcrm.<aggregate>.<name>.v<version>` with `data`.
    Public {
        name: &'static str,
        version: u32,
        data: Value,
    },
    /// Kept inside, on purpose (the reason says why).
    Withheld(&'static str),
}

impl Publication {
    pub fn public(name: &'static str, data: Value) -> Self {
        Publication::Public {
            name,
            version: 1,
            data,
        }
    }
}

/// The names of the fields an edit changed, for events that carry only what changed
/// (`Some`) among fields that may be a person's data: the subscriber learns what changed,
/// and reads the value from the API, which holds it as long as the person is not erased.
pub fn changed(fields: &[(&'static str, bool)]) -> Value {
    json!(fields
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>())
}

/// An instant as the feed writes it: RFC 3339, UTC.
pub fn instant(at: time::OffsetDateTime) -> Value {
    json!(event_sourcing::envelope::rfc3339(at))
}

type MapFn = dyn Fn(&EventEnvelope) -> Result<Publication, String> + Send + Sync;

/// One aggregate's part of the feed: its stream type and the mapping of its events.
pub struct Feed {
    pub aggregate: &'static str,
    map: Box<MapFn>,
}

impl Feed {
    /// The feed of the aggregate whose events are `E`, mapped by `publication`. An event is
    /// read as the publisher receives it: personal fields sealed (read as erased), upcast to
    /// the current schema.
    pub fn of<E: DomainEvent + 'static>(
        aggregate: &'static str,
        publication: fn(&E) -> Publication,
    ) -> Self {
        Self {
            aggregate,
            map: Box::new(move |envelope| {
                let event = envelope
                    .decode::<E>()
                    .map_err(|e| format!("{} v{}: {e}", envelope.event_type, envelope.version))?;
                Ok(publication(&event))
            }),
        }
    }

    pub fn publication(&self, envelope: &EventEnvelope) -> Result<Publication, String> {
        (self.map)(envelope)
    }
}

/// The public event for `envelope` as CloudEvents 1.0 JSON, or `None` when it is withheld.
/// `id` is the event's id (a duplicate delivery has the same), `sequence` its version in the
/// record's stream, zero-padded so text order is stream order.
pub fn cloud_event(envelope: &EventEnvelope, publication: Publication) -> Option<Value> {
    let Publication::Public {
        name,
        version,
        data,
    } = publication
    else {
        return None;
    };
    let mut event = Map::new();
    event.insert("specversion".into(), json!("1.0"));
    event.insert("id".into(), json!(envelope.event_id.to_string()));
    event.insert("source".into(), json!(SOURCE));
    event.insert(
        "type".into(),
        json!(public_type(&envelope.aggregate_type, name, version)),
    );
    event.insert(
        "subject".into(),
        json!(format!(
            "{}/{}",
            envelope.aggregate_type, envelope.aggregate_id
        )),
    );
    event.insert("time".into(), json!(envelope.occurred_at));
    event.insert("sequence".into(), json!(sequence(envelope.version)));
    event.insert("datacontenttype".into(), json!("application/json"));
    if let Some(traceparent) = traceparent(envelope) {
        event.insert("traceparent".into(), json!(traceparent));
    }
    event.insert("data".into(), data);
    Some(Value::Object(event))
}

/// `eventcrm.<aggregate>.<event>.v<N>`: the aggregate's stream type with its dashes as is
/// (`sla-policy`), the event in lower case with dots (`opportunity.stage-changed`).
pub fn public_type(aggregate: &str, name: &str, version: u32) -> String {
    format!("{SOURCE}.{aggregate}.{name}.v{version}")
}

/// A stream version as the feed's `sequence`: 20 digits, so text order is numeric order.
pub fn sequence(version: u64) -> String {
    format!("{version:020}")
}

/// W3C trace context from the stored trace, when it has a 32-hex trace id.
fn traceparent(envelope: &EventEnvelope) -> Option<String> {
    let trace = &envelope.trace;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let trace_id = trace.trace_id.replace('-', "").to_ascii_lowercase();
    let span_id = trace.span_id.to_ascii_lowercase();
    (hex(&trace_id, 32) && hex(&span_id, 16)).then(|| format!("00-{trace_id}-{span_id}-01"))
}
