//! RFC 9457 problem details, and the only place where errors become status codes.

use lambda_http::{http::StatusCode, Body, Response};
use serde::Serialize;

use event_sourcing::policy::SubscriberError;
use event_sourcing::store::{StoreError, Written};
use event_sourcing::{AppendError, CommandError, DomainError, ErrorKind, ReadError};

use crate::auth::AuthError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input, named by a JSON pointer to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds to wait before retrying, sent as `Retry-After` (with a 503).
    pub retry_after: Option<u32>,
    /// The `WWW-Authenticate` challenge of a 401 or 403 (RFC 6750).
    pub challenge: Option<String>,
    /// A 409 because another writer appended between this request's read and its append:
    /// nothing was written, and the command may be decided again on what is there now.
    pub lost_race: bool,
}

/// How long a client should wait before retrying what an outage or throttling refused.
pub const RETRY_AFTER_SECONDS: u32 = 1;

#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    type_uri: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            challenge: None,
            lost_race: false,
        }
    }

    /// 503 with `Retry-After`: the request may be retried; `detail` says whether anything may
    /// have been written.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECONDS),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, detail)
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// Every invalid field at once, so a client fixes its request in one round trip.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => "1 field is invalid".to_owned(),
            n => format!("{n} fields are invalid"),
        };
        Self {
            errors,
            ..Self::new(StatusCode::BAD_REQUEST, detail)
        }
    }

    pub fn of_kind(kind: ErrorKind, detail: impl Into<String>) -> Self {
        let status = match kind {
            ErrorKind::Invalid => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Gone => StatusCode::GONE,
        };
        Self::new(status, detail)
    }

    pub fn into_response(self) -> Response<Body> {
        let body = ProblemBody {
            type_uri: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
            errors: &self.errors,
        };
        let json = serde_json::to_string(&body).unwrap_or_else(|_| {
            format!(
                r#"{{"type":"about:blank","status":{}}}"#,
                self.status.as_u16()
            )
        });
        let mut response = Response::new(Body::Text(json));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            lambda_http::http::header::CONTENT_TYPE,
            lambda_http::http::HeaderValue::from_static(PROBLEM_JSON),
        );
        if let Some(challenge) = self
            .challenge
            .and_then(|c| lambda_http::http::HeaderValue::from_str(&c).ok())
        {
            response
                .headers_mut()
                .insert(lambda_http::http::header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(
                lambda_http::http::header::RETRY_AFTER,
                lambda_http::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}

fn internal(detail: &str) -> Problem {
    tracing::error!(error = %detail, "internal error");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the request could not be completed; nothing was written",
    )
}

impl Problem {
    /// A domain refusal, by its kind. Each aggregate's HTTP side says `From` with it (Rust's
    /// coherence rules allow no blanket `From<E: DomainError>` beside the core's own errors).
    pub fn domain(error: impl DomainError) -> Self {
        Problem::of_kind(error.kind(), error.to_string())
    }
}

impl From<ReadError> for Problem {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Store(error) => error.into(),
            beyond @ ReadError::Beyond { .. } => Problem::bad_request(beyond.to_string()),
        }
    }
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Conflict { .. } => Problem {
                lost_race: true,
                ..Problem::new(
                    StatusCode::CONFLICT,
                    format!("{error}; nothing was written, reload and retry"),
                )
            },
            StoreError::AlreadyExists { .. } => {
                Problem::new(StatusCode::CONFLICT, error.to_string())
            }
            // Dispatch answers a lost key race from the winner's record; this is the fallback.
            StoreError::KeyTaken(_) => Problem::new(
                StatusCode::CONFLICT,
                "another request with this Idempotency-Key was answered first; retry to get its answer",
            ),
            StoreError::Erased(_) => Problem::new(StatusCode::GONE, error.to_string()),
            StoreError::TooManyItems { .. } => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, error.to_string())
            }
            StoreError::ItemTooLarge { .. } | StoreError::TransactionTooLarge { .. } => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, error.to_string())
            }
            StoreError::Unavailable { written, .. } => {
                tracing::error!(error = %error, "event store unavailable");
                Problem::unavailable(match written {
                    Written::Nothing => {
                        "the event store is unavailable; nothing was written, retry shortly"
                    }
                    Written::Unknown => {
                        "the event store did not confirm the write, which may have happened; \
                         read the resource before retrying"
                    }
                })
            }
            StoreError::DuplicateVersion { .. } | StoreError::Corrupt(_) => {
                internal(&error.to_string())
            }
        }
    }
}

impl From<event_sourcing::projection::ProjectionStoreError> for Problem {
    fn from(error: event_sourcing::projection::ProjectionStoreError) -> Self {
        use event_sourcing::projection::ProjectionStoreError;
        match error {
            ProjectionStoreError::BadCursor(_) => Problem::bad_request(error.to_string()),
            ProjectionStoreError::Conflict(_) | ProjectionStoreError::Backend(_) => {
                tracing::error!(error = %error, "projection store unavailable");
                Problem::unavailable("the read models are unavailable; retry shortly")
            }
        }
    }
}

impl From<AppendError> for Problem {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Cancelled { kind, reason } => Problem::of_kind(kind, reason),
            AppendError::Store(store) => store.into(),
            // A subscriber's read failed: an outage like any other, and nothing was written.
            AppendError::Subscriber {
                source: SubscriberError::Store(store),
                ..
            } => store.into(),
            AppendError::Subscriber { .. } | AppendError::SubscriberLoop => {
                internal(&error.to_string())
            }
        }
    }
}

impl<E: DomainError> From<CommandError<E>> for Problem {
    fn from(error: CommandError<E>) -> Self {
        match error {
            CommandError::Domain(domain) => Problem::of_kind(domain.kind(), domain.to_string()),
            CommandError::VersionMismatch { .. } => {
                Problem::new(StatusCode::PRECONDITION_FAILED, error.to_string())
            }
            CommandError::AlreadyExists(_) => Problem::new(StatusCode::CONFLICT, error.to_string()),
            CommandError::Append(append) => append.into(),
            CommandError::Load(store) => store.into(),
            CommandError::Encode(_) => internal(&error.to_string()),
        }
    }
}

impl From<AuthError> for Problem {
    fn from(error: AuthError) -> Self {
        let (status, challenge) = match &error {
            AuthError::Missing => (StatusCode::UNAUTHORIZED, "Bearer".to_owned()),
            AuthError::Invalid(why) => (
                StatusCode::UNAUTHORIZED,
                format!("Bearer error=\"invalid_token\", error_description=\"{why}\""),
            ),
            AuthError::MissingScope(scope) => (
                StatusCode::FORBIDDEN,
                format!(
                    "Bearer error=\"insufficient_scope\", scope=\"{}\"",
                    scope.name()
                ),
            ),
        };
        Self {
            challenge: Some(challenge),
            ..Self::new(status, error.to_string())
        }
    }
}
