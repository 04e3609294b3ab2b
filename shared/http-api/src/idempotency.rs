//! `Idempotency-Key`: a command retried with the same key gets its first answer again and
//! writes nothing.
//!
//! A request with a key runs as in batch mode: its events are buffered, and the answer is
//! recorded under the key in the same transaction as the events, conditioned on the key being
//! new. So of two requests with one key, concurrent or not, exactly one writes; the other is
//! answered from the record. The same key with another request (method, path, query or body)
//! is refused with 422. Records expire after [`RETENTION`] (DynamoDB TTL on `expiresAt`).

use std::time::Duration;

use lambda_http::http::{HeaderName, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use event_sourcing::personal::ERASED;
use event_sourcing::store::IdempotencyRecord;

use crate::Problem;

pub const HEADER: &str = "idempotency-key";

/// Tells a client its answer is a replay.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// How long an answer is kept for retries.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// The headers a replay must carry again; the rest are the invocation's own.
const KEPT_HEADERS: [&str; 3] = ["content-type", "location", "etag"];

/// The request's key, if it sent one: 1 to 255 visible ASCII characters. Reads ignore it.
pub fn key_of(request: &Request) -> Result<Option<String>, Problem> {
    if request.method() == lambda_http::http::Method::GET {
        return Ok(None);
    }
    let Some(value) = request.headers().get(HEADER) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(Problem::bad_request(
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )),
    }
}

/// What the request was: method, path, query and body, hashed.
pub fn fingerprint(request: &Request) -> String {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(request.method().as_str().as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(request.uri().path().as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(request.uri().query().unwrap_or("").as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(request.body().as_ref());
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, &bytes).to_string()
}

/// An answer as recorded: its status, the headers a retry must see again, its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct RecordedAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

/// The record of a successful answer to a keyed request.
pub fn record(
    key: &str,
    fingerprint: &str,
    response: &Response<Body>,
    now: OffsetDateTime,
) -> IdempotencyRecord {
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let body = match response.body() {
        Body::Text(text) => Some(text.clone()),
        Body::Binary(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    };
    let answer = RecordedAnswer {
        status: response.status().as_u16(),
        headers,
        body,
    };
    IdempotencyRecord {
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
        answer: serde_json::to_string(&answer).unwrap_or_default(),
        recorded_at: now.unix_timestamp(),
        expires_at: (now + RETENTION).unix_timestamp(),
    }
}

/// The recorded answer again, if the record is of this very request; 422 if the key was
/// used for another.
pub fn replay(record: &IdempotencyRecord, fingerprint: &str) -> Response<Body> {
    if record.fingerprint != fingerprint {
        return Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "this Idempotency-Key was used for a different request; use a new key",
        )
        .into_response();
    }
    if record.answer == ERASED {
        return Problem::new(
            StatusCode::GONE,
            "the person this request was about has been erased; its answer with them",
        )
        .into_response();
    }
    let Ok(answer) = serde_json::from_str::<RecordedAnswer>(&record.answer) else {
        tracing::error!("unreadable idempotency record");
        return Problem::unavailable("the recorded answer could not be read; retry shortly")
            .into_response();
    };
    let mut response = Response::new(answer.body.map_or(Body::Empty, Body::Text));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
        .headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}
