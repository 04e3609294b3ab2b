//! Personal data, sealed so it can be forgotten (crypto-shredding).
//!
//! An event names the person its personal fields belong to ([`PersonalData`], from
//! [`event_sourcing::DomainEvent::personal_data`]). [`SealedStore`] seals those fields on the way into
//! the event store with that person's data key (ChaCha20-Poly1305, the person's stream as
//! associated data) and opens them on the way out, so every reader (commands, GETs, history,
//! the stream consumer, rebuilds) sees plain events, and the table, its stream and its backups
//! hold only ciphertext. Erasure destroys the key: every sealed field of that person then reads
//! as [`ERASED`], wherever it is stored, without touching an event.

mod keys;

use std::sync::Arc;

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use serde_json::{json, Map, Value};

pub use keys::{CachedKeyStore, DataKey, InMemoryKeyStore, KeyState, KeyStore};

use event_sourcing::personal::{PersonalData, ERASED};
use event_sourcing::store::{
    AppendLimits, EventStore, IdempotencyRecord, IdempotencyStore, PageOf, ResealStore, Snapshot,
    SnapshotStore, Storage, StoreError, StreamTail,
};
use event_sourcing::{EventEnvelope, StreamId};

/// The payload member that holds an event's sealed fields.
pub const SEALED: &str = "$personal";

/// The field of a sealed idempotency record that holds its answer.
const RECORDED_ANSWER: &str = "answer";

/// `payload` with `personal.fields` moved into one sealed member.
pub fn seal(payload: &Value, personal: &PersonalData, key: &DataKey) -> Result<Value, StoreError> {
    let Value::Object(fields) = payload else {
        return Ok(payload.clone());
    };
    let mut kept = fields.clone();
    let mut secret = Map::new();
    for name in personal.fields {
        if let Some(value) = kept.remove(*name) {
            secret.insert((*name).to_owned(), value);
        }
    }
    let plain = serde_json::to_vec(&secret)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode personal data: {e}")))?;
    let cipher = ChaCha20Poly1305::new(&key.0.into());
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: personal.subject.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Corrupt("personal data could not be sealed".into()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    kept.insert(
        SEALED.to_owned(),
        json!({
            "subject": personal.subject,
            "fields": secret.keys().collect::<Vec<_>>(),
            "sealed": URL_SAFE_NO_PAD.encode(bytes),
        }),
    );
    Ok(Value::Object(kept))
}

/// The person a stored payload's sealed fields belong to, if it has any.
pub fn sealed_subject(payload: &Value) -> Option<&str> {
    payload.get(SEALED)?.get("subject")?.as_str()
}

/// `payload` with its sealed member opened in place: the fields as they were, or each as
/// [`ERASED`] when the key is destroyed. A payload without one is returned as it is.
pub fn open(payload: Value, key: Option<&KeyState>) -> Result<Value, StoreError> {
    let Value::Object(mut fields) = payload else {
        return Ok(payload);
    };
    let Some(sealed) = fields.remove(SEALED) else {
        return Ok(Value::Object(fields));
    };
    let subject = sealed.get("subject").and_then(Value::as_str).unwrap_or("?");
    let opened = match key {
        None => return Err(StoreError::Corrupt(format!("no data key for {subject}"))),
        Some(KeyState::Erased) => sealed
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|name| (name.to_owned(), Value::String(ERASED.into())))
            .collect(),
        Some(KeyState::Live(key)) => decrypt(&sealed, subject, key)?,
    };
    fields.extend(opened);
    Ok(Value::Object(fields))
}

fn decrypt(sealed: &Value, subject: &str, key: &DataKey) -> Result<Map<String, Value>, StoreError> {
    let corrupt =
        || StoreError::Corrupt(format!("sealed personal data of {subject} is unreadable"));
    let bytes = sealed
        .get("sealed")
        .and_then(Value::as_str)
        .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
        .ok_or_else(corrupt)?;
    let (nonce, ciphertext) = bytes.split_at_checked(12).ok_or_else(corrupt)?;
    let plain = ChaCha20Poly1305::new(&key.0.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: subject.as_bytes(),
            },
        )
        .map_err(|_| corrupt())?;
    serde_json::from_slice(&plain).map_err(|_| corrupt())
}

/// An event store that seals personal data on append and opens it on load (see the module).
pub struct SealedStore {
    events: Arc<dyn Storage>,
    keys: Arc<dyn KeyStore>,
    /// The people whose data this store has opened or sealed: a request's answer may hold any
    /// of it, so its idempotency record is sealed under each of them.
    seen: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl SealedStore {
    pub fn new(events: Arc<dyn Storage>, keys: Arc<dyn KeyStore>) -> Self {
        Self {
            events,
            keys,
            seen: Default::default(),
        }
    }

    fn saw(&self, events: &[EventEnvelope]) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        for event in events {
            if let Some(subject) = sealed_subject(&event.payload) {
                seen.insert(subject.to_owned());
            }
            if let Some(personal) = &event.personal {
                seen.insert(personal.subject.clone());
            }
        }
    }

    fn seen_subjects(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter().cloned().collect()
    }

    async fn open_seen(
        &self,
        events: Vec<EventEnvelope>,
    ) -> Result<Vec<EventEnvelope>, StoreError> {
        self.saw(&events);
        open_all(self.keys.as_ref(), events).await
    }

    async fn seal_all(&self, events: &[EventEnvelope]) -> Result<Vec<EventEnvelope>, StoreError> {
        // Each key is read once per request: the invocation's key store remembers it.
        let mut sealed = Vec::with_capacity(events.len());
        for event in events {
            let mut event = event.clone();
            if let Some(personal) = event.personal.take() {
                let key = self.keys.sealing_key(&personal.subject).await?;
                event.payload = seal(&event.payload, &personal, &key)?;
            }
            sealed.push(event);
        }
        Ok(sealed)
    }
}

/// Opens every event's sealed fields, reading each person's key once.
pub async fn open_all(
    keys: &dyn KeyStore,
    events: Vec<EventEnvelope>,
) -> Result<Vec<EventEnvelope>, StoreError> {
    let mut subjects: Vec<String> = events
        .iter()
        .filter_map(|e| sealed_subject(&e.payload).map(str::to_owned))
        .collect();
    if subjects.is_empty() {
        return Ok(events);
    }
    subjects.sort();
    subjects.dedup();
    let found = keys.keys(&subjects).await?;
    events
        .into_iter()
        .map(|mut event| {
            let subject = sealed_subject(&event.payload).map(str::to_owned);
            if let Some(subject) = subject {
                event.payload = open(event.payload, found.get(&subject))?;
            }
            Ok(event)
        })
        .collect()
}

#[async_trait]
impl EventStore for SealedStore {
    async fn load(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        self.open_seen(self.events.load(stream).await?).await
    }

    async fn load_page(
        &self,
        stream: &StreamId,
        page: PageOf,
    ) -> Result<Vec<EventEnvelope>, StoreError> {
        self.open_seen(self.events.load_page(stream, page).await?)
            .await
    }

    async fn append(&self, events: &[EventEnvelope]) -> Result<(), StoreError> {
        let sealed = self.seal_all(events).await?;
        self.saw(events);
        self.events.append(&sealed).await
    }

    async fn open(&self, events: Vec<EventEnvelope>) -> Result<Vec<EventEnvelope>, StoreError> {
        open_all(self.keys.as_ref(), events).await
    }

    fn limits(&self) -> AppendLimits {
        self.events.limits()
    }
}

#[async_trait]
impl SnapshotStore for SealedStore {
    /// The snapshot opened with the keys of every person it was sealed for, fetched in the
    /// same request as the tail's events' keys. A snapshot that cannot be opened (one of
    /// them was erased since) is dropped, and the whole stream read instead.
    async fn load_tail(&self, stream: &StreamId) -> Result<StreamTail, StoreError> {
        let mut tail = self.events.load_tail(stream).await?;
        // No snapshot, or one that holds nobody's data: only the events need opening.
        let sealed = tail
            .snapshot
            .as_ref()
            .and_then(|s| sealed_snapshot(&s.state));
        let (Some(snapshot), Some((subjects, sealed))) =
            (tail.snapshot.take_if(|_| sealed.is_some()), sealed)
        else {
            tail.events = self.open_seen(tail.events).await?;
            return Ok(tail);
        };
        let mut wanted = subjects.clone();
        wanted.extend(
            tail.events
                .iter()
                .filter_map(|e| sealed_subject(&e.payload).map(str::to_owned)),
        );
        wanted.sort();
        wanted.dedup();
        let found = self.keys.keys(&wanted).await?;
        match open_snapshot(&subjects, &sealed, stream, snapshot.version, &found) {
            Some(state) => {
                self.seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(subjects);
                Ok(StreamTail {
                    snapshot: Some(Snapshot { state, ..snapshot }),
                    events: self.open_seen(tail.events).await?,
                })
            }
            None => Ok(StreamTail::whole(self.load(stream).await?)),
        }
    }

    /// A snapshot may hold the data of every person this request read or wrote: it is sealed
    /// with a key drawn from all of their keys, so erasing any one makes it unreadable. When
    /// one of them is already erased it is not stored at all.
    async fn save_snapshot(
        &self,
        stream: &StreamId,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let subjects = self.seen_subjects();
        if subjects.is_empty() {
            return self.events.save_snapshot(stream, snapshot).await;
        }
        let mut keys = Vec::with_capacity(subjects.len());
        for subject in &subjects {
            match self.keys.sealing_key(subject).await {
                Ok(key) => keys.push(key),
                Err(StoreError::Erased(_)) => return Ok(()),
                Err(other) => return Err(other),
            }
        }
        let state = seal_snapshot(&subjects, &keys, stream, snapshot)?;
        let sealed = Snapshot {
            state,
            ..snapshot.clone()
        };
        self.events.save_snapshot(stream, &sealed).await
    }
}

#[async_trait]
impl IdempotencyStore for SealedStore {
    /// The record's answer opened; [`ERASED`] if its person was erased since.
    async fn recorded(&self, key: &str, now: i64) -> Result<Option<IdempotencyRecord>, StoreError> {
        let Some(mut record) = self.events.recorded(key, now).await? else {
            return Ok(None);
        };
        // Sealed once per person it may hold, outermost last: peel every layer.
        while let Ok(sealed) = serde_json::from_str::<Value>(&record.answer) {
            let Some(subject) = sealed_subject(&sealed).map(str::to_owned) else {
                break;
            };
            let found = self.keys.keys(std::slice::from_ref(&subject)).await?;
            let opened = open(sealed, found.get(&subject))?;
            record.answer = opened
                .get(RECORDED_ANSWER)
                .and_then(Value::as_str)
                .unwrap_or(ERASED)
                .to_owned();
        }
        Ok(Some(record))
    }

    /// A recorded answer may hold the data of every person the request read or wrote: it is
    /// sealed under each of their keys in turn, so erasing any one of them makes it unreadable
    /// (a replay then answers 410).
    async fn append_recorded(
        &self,
        events: &[EventEnvelope],
        record: &IdempotencyRecord,
    ) -> Result<(), StoreError> {
        let sealed_events = self.seal_all(events).await?;
        self.saw(events);
        let subjects = self.seen_subjects();
        let mut answer = record.answer.clone();
        for subject in subjects {
            let personal = PersonalData {
                subject,
                fields: &[RECORDED_ANSWER],
            };
            let key = match self.keys.sealing_key(&personal.subject).await {
                Ok(key) => key,
                // Erased (by this very request, say): what it read of them was already
                // `[erased]`, so there is nothing of theirs to seal.
                Err(StoreError::Erased(_)) => continue,
                Err(other) => return Err(other),
            };
            answer = seal(&json!({ RECORDED_ANSWER: answer }), &personal, &key)?.to_string();
        }
        let record = IdempotencyRecord {
            answer,
            ..record.clone()
        };
        self.events.append_recorded(&sealed_events, &record).await
    }
}

#[async_trait]
impl ResealStore for SealedStore {
    async fn load_stored(&self, stream: &StreamId) -> Result<Vec<EventEnvelope>, StoreError> {
        self.events.load(stream).await
    }

    async fn reseal(&self, event: &EventEnvelope) -> Result<(), StoreError> {
        self.events.reseal(event).await
    }
}

/// The member of a sealed snapshot's state that names the people it was sealed for.
const SEALED_FOR: &str = "$sealedFor";

/// One key drawn from every subject's key, in subject order: opening needs all of them.
fn joint_key(subjects: &[String], keys: &[&DataKey]) -> Result<[u8; 32], StoreError> {
    use hmac::{Hmac, Mac};
    let mut joint = [0u8; 32];
    for (subject, key) in subjects.iter().zip(keys) {
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key.0)
            .map_err(|_| StoreError::Corrupt("a data key has the wrong length".into()))?;
        mac.update(&joint);
        mac.update(subject.as_bytes());
        joint = mac.finalize().into_bytes().into();
    }
    Ok(joint)
}

/// What binds a sealed snapshot to its place: moved to another stream or version, it fails.
fn snapshot_binding(stream: &StreamId, version: u64, subjects: &[String]) -> Vec<u8> {
    format!("{stream}@{version}:{}", subjects.join(",")).into_bytes()
}

fn seal_snapshot(
    subjects: &[String],
    keys: &[DataKey],
    stream: &StreamId,
    snapshot: &Snapshot,
) -> Result<String, StoreError> {
    let joint = joint_key(subjects, &keys.iter().collect::<Vec<_>>())?;
    let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = ChaCha20Poly1305::new(&joint.into())
        .encrypt(
            &nonce,
            Payload {
                msg: snapshot.state.as_bytes(),
                aad: &snapshot_binding(stream, snapshot.version, subjects),
            },
        )
        .map_err(|_| StoreError::Corrupt("a snapshot could not be sealed".into()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    Ok(json!({ SEALED_FOR: subjects, "sealed": URL_SAFE_NO_PAD.encode(bytes) }).to_string())
}

/// The people a stored snapshot state was sealed for and its sealed bytes, if it is sealed.
fn sealed_snapshot(state: &str) -> Option<(Vec<String>, Vec<u8>)> {
    let value: Value = serde_json::from_str(state).ok()?;
    let subjects = value
        .get(SEALED_FOR)?
        .as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    let sealed = URL_SAFE_NO_PAD
        .decode(value.get("sealed")?.as_str()?)
        .ok()?;
    Some((subjects, sealed))
}

/// The snapshot's state, unless a key is missing or destroyed, or the bytes were tampered with.
fn open_snapshot(
    subjects: &[String],
    sealed: &[u8],
    stream: &StreamId,
    version: u64,
    found: &std::collections::HashMap<String, KeyState>,
) -> Option<String> {
    let keys = subjects
        .iter()
        .map(|subject| match found.get(subject) {
            Some(KeyState::Live(key)) => Some(key),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let joint = joint_key(subjects, &keys).ok()?;
    let (nonce, ciphertext) = sealed.split_at_checked(12)?;
    let plain = ChaCha20Poly1305::new(&joint.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &snapshot_binding(stream, version, subjects),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// Says which fields of a stored event are whose personal data (from the aggregate's
/// [`event_sourcing::DomainEvent::personal_data`]).
pub type PersonalOf<'a> = &'a (dyn Fn(&EventEnvelope) -> Option<PersonalData> + Sync);

/// Seals, in place, the personal data of stored events written before sealing existed: each
/// event whose fields `personal_of` names but whose payload is plain is rewritten sealed with
/// the person's key, or with those fields as [`ERASED`] if the person was erased meanwhile.
/// Already sealed events are left alone, so it can run any number of times. Returns how many
/// events it rewrote. This is the one place stored events change (see docs/security.md).
pub async fn seal_stored(
    store: &dyn ResealStore,
    keys: &dyn KeyStore,
    stored: Vec<EventEnvelope>,
    personal_of: PersonalOf<'_>,
) -> Result<usize, StoreError> {
    let mut rewritten = 0;
    for mut event in stored {
        if sealed_subject(&event.payload).is_some() {
            continue;
        }
        let Some(personal) = personal_of(&event) else {
            continue;
        };
        let rewritten_payload = match keys.sealing_key(&personal.subject).await {
            Ok(key) => seal(&event.payload, &personal, &key)?,
            Err(StoreError::Erased(_)) => blank(event.payload.clone(), personal.fields),
            Err(other) => return Err(other),
        };
        if rewritten_payload == event.payload {
            continue; // Blanked by an earlier run.
        }
        event.payload = rewritten_payload;
        store.reseal(&event).await?;
        rewritten += 1;
    }
    Ok(rewritten)
}

/// `payload` with these fields, where present, as [`ERASED`].
fn blank(payload: Value, fields: &[&str]) -> Value {
    match payload {
        Value::Object(mut map) => {
            for name in fields {
                if let Some(value) = map.get_mut(*name) {
                    *value = Value::String(ERASED.into());
                }
            }
            Value::Object(map)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Value {
        json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.org", "phone": null })
    }

    fn personal() -> PersonalData {
        PersonalData::of(StreamId::new("contact", "c1"), &["name", "email", "phone"])
    }

    #[test]
    fn sealed_fields_leave_no_plain_text_and_open_as_they_were() {
        let key = DataKey::generate();
        let sealed = seal(&ada(), &personal(), &key).unwrap();
        let text = sealed.to_string();
        assert!(!text.contains("Ada") && !text.contains("ada@"), "{text}");
        assert_eq!(sealed["contactId"], "c1");
        assert_eq!(sealed_subject(&sealed), Some("contact#c1"));
        assert_eq!(open(sealed, Some(&KeyState::Live(key))).unwrap(), ada());
    }

    #[test]
    fn an_erased_key_opens_every_sealed_field_as_erased() {
        let sealed = seal(&ada(), &personal(), &DataKey::generate()).unwrap();
        let opened = open(sealed, Some(&KeyState::Erased)).unwrap();
        assert_eq!(
            opened,
            json!({ "contactId": "c1", "name": ERASED, "email": ERASED, "phone": ERASED })
        );
    }

    #[test]
    fn another_key_or_another_person_cannot_open_it() {
        let key = DataKey::generate();
        let sealed = seal(&ada(), &personal(), &key).unwrap();
        let other = open(sealed.clone(), Some(&KeyState::Live(DataKey::generate())));
        assert!(matches!(other, Err(StoreError::Corrupt(_))));
        // The subject is bound in: moving the blob to another person's name fails.
        let mut moved = sealed.clone();
        moved[SEALED]["subject"] = json!("contact#c2");
        assert!(open(moved, Some(&KeyState::Live(key))).is_err());
        assert!(open(sealed, None).is_err());
    }

    #[test]
    fn a_snapshot_opens_only_with_every_key_it_was_sealed_for_and_only_in_its_place() {
        let subjects = vec!["contact#c1".to_owned(), "contact#c2".to_owned()];
        let keys = [DataKey::generate(), DataKey::generate()];
        let stream = StreamId::new("case", "s1");
        let snapshot = Snapshot {
            version: 9,
            shape: 1,
            state: json!({ "notes": ["Ada's words", "Charles's words"] }).to_string(),
        };
        let stored = seal_snapshot(&subjects, &keys, &stream, &snapshot).unwrap();
        assert!(!stored.contains("words"), "{stored}");
        let (named, sealed) = sealed_snapshot(&stored).unwrap();
        assert_eq!(named, subjects);
        let found = |states: [KeyState; 2]| -> std::collections::HashMap<String, KeyState> {
            subjects.iter().cloned().zip(states).collect()
        };
        let live = found([
            KeyState::Live(keys[0].clone()),
            KeyState::Live(keys[1].clone()),
        ]);
        assert_eq!(
            open_snapshot(&subjects, &sealed, &stream, 9, &live),
            Some(snapshot.state)
        );
        // One person erased, or a key missing: it no longer opens.
        let one_erased = found([KeyState::Live(keys[0].clone()), KeyState::Erased]);
        assert_eq!(
            open_snapshot(&subjects, &sealed, &stream, 9, &one_erased),
            None
        );
        let mut missing = live.clone();
        missing.remove("contact#c2");
        assert_eq!(
            open_snapshot(&subjects, &sealed, &stream, 9, &missing),
            None
        );
        // Moved to another stream or version, or with a person dropped from its list: refused.
        let other = StreamId::new("case", "s2");
        assert_eq!(open_snapshot(&subjects, &sealed, &other, 9, &live), None);
        assert_eq!(open_snapshot(&subjects, &sealed, &stream, 10, &live), None);
        assert_eq!(
            open_snapshot(&subjects[..1], &sealed, &stream, 9, &live),
            None
        );
    }

    #[test]
    fn a_payload_without_sealed_fields_opens_unchanged() {
        assert_eq!(open(ada(), None).unwrap(), ada());
    }
}
