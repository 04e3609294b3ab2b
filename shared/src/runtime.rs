//! Process wiring: configuration from the environment, logging, and the per-request dispatch
//! every HTTP Lambda shares, so a slice's `main` is one call.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use lambda_http::{Body, Request, RequestExt, Response};
use time::OffsetDateTime;
use tracing::Instrument;

use crate::aggregate::Invocation;
use crate::auth::{Auth, Scope};
use crate::dynamo_client::DynamoClient;
use crate::http::{check_trace_hints, trace_hints_of, Problem};
use crate::idempotency;
use crate::personal::{CachedKeyStore, DynamoKeyStore, InMemoryKeyStore, KeyStore, SealedStore};
use crate::projection::query::CursorKey;
use crate::projection::{DynamoProjectionStore, InMemoryProjectionStore, ProjectionStore};
use crate::registry::Registry;
use crate::store::{DynamoEventStore, EventStore, StoreError};
use crate::subscribers::Subscribers;
use crate::trace::{TraceContext, TraceHints};
use crate::writer::{EventWriter, WriteMode};

pub const DEFAULT_EVENT_TABLE: &str = "EventStore";
pub const DEFAULT_PROJECTION_TABLE: &str = "ProjectionStore";
pub const DEFAULT_KEY_TABLE: &str = "KeyStore";

/// How long a request and each DynamoDB call may take, derived from the function's timeout
/// (`FUNCTION_TIMEOUT_SECONDS`, which the template sets from the same value as `Timeout`), so a
/// stalled DynamoDB is answered with a 503 well before Lambda kills the invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBudget {
    function: Duration,
    /// Whether a slow attempt is abandoned and retried within the operation. DynamoDB
    /// recognises a retried transaction by its `ClientRequestToken`; an emulator that ignores
    /// the token would apply it twice (the second time as a conflict), so locally it is not.
    retry_slow_attempts: bool,
}

impl TimeBudget {
    /// Where no function timeout is set: the local stack, whose emulator serves one request
    /// at a time and slows down under load.
    const UNSET: Duration = Duration::from_secs(300);

    pub fn new(function: Duration) -> Self {
        Self {
            function,
            retry_slow_attempts: true,
        }
    }

    pub fn from_env() -> Self {
        let seconds = std::env::var("FUNCTION_TIMEOUT_SECONDS")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|s| *s > 0);
        match seconds {
            Some(seconds) => Self::new(Duration::from_secs(seconds)),
            None => Self {
                function: Self::UNSET,
                retry_slow_attempts: false,
            },
        }
    }

    /// The function's timeout.
    pub fn function(&self) -> Duration {
        self.function
    }

    /// The whole request, leaving time to answer before the function's timeout.
    pub fn request(&self) -> Duration {
        (self.function * 9 / 10).min(self.function.saturating_sub(Duration::from_millis(500)))
    }

    /// One DynamoDB operation, retries included: a command makes two or three in a row.
    pub fn operation(&self) -> Duration {
        self.request() / 3
    }

    /// One attempt: two fit in an operation (the SDK retries throttling and dropped
    /// connections once).
    pub fn attempt(&self) -> Duration {
        if self.retry_slow_attempts {
            self.operation() / 2
        } else {
            self.operation()
        }
    }

    pub fn connect(&self) -> Duration {
        self.attempt().min(Duration::from_secs(1))
    }

    /// The SDK's timeouts and retries within this budget.
    pub fn apply(
        &self,
        config: aws_sdk_dynamodb::config::Builder,
    ) -> aws_sdk_dynamodb::config::Builder {
        config
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(self.connect())
                    .operation_attempt_timeout(self.attempt())
                    .operation_timeout(self.operation())
                    .build(),
            )
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
    }
}

/// What lives for the whole process: built once at cold start.
#[derive(Clone)]
pub struct App {
    pub auth: Auth,
    pub cursors: CursorKey,
    /// The event store as stored (personal data sealed).
    pub stored: Arc<dyn EventStore>,
    /// The same, sealing and opening personal data with `keys`.
    pub store: Arc<dyn EventStore>,
    /// People's data keys: erasure destroys one.
    pub keys: Arc<dyn KeyStore>,
    pub views: Arc<dyn ProjectionStore>,
    pub subscribers: Arc<Subscribers>,
    pub mode: WriteMode,
    pub budget: TimeBudget,
}

impl App {
    /// An app on this event store, with in-memory data keys, and an empty in-memory projection
    /// store until [`App::with_views`] gives it one.
    pub fn new(store: Arc<dyn EventStore>, subscribers: Subscribers, mode: WriteMode) -> Self {
        Self::sealed_with(store, Arc::new(InMemoryKeyStore::new()), subscribers, mode)
    }

    /// An app whose events' personal data is sealed with these keys.
    pub fn sealed_with(
        events: Arc<dyn EventStore>,
        keys: Arc<dyn KeyStore>,
        subscribers: Subscribers,
        mode: WriteMode,
    ) -> Self {
        Self {
            auth: Auth::Open,
            cursors: CursorKey::random(),
            store: Arc::new(SealedStore::new(events.clone(), keys.clone())),
            stored: events,
            keys,
            views: Arc::new(InMemoryProjectionStore::new()),
            subscribers: Arc::new(subscribers),
            mode,
            budget: TimeBudget::from_env(),
        }
    }

    pub fn with_views(mut self, views: Arc<dyn ProjectionStore>) -> Self {
        self.views = views;
        self
    }

    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// DynamoDB from the standard AWS environment (`AWS_ENDPOINT_URL_DYNAMODB` points it at a
    /// local emulator), table from `EVENT_STORE_TABLE`, mode from `EVENT_STORE_MODE`, who may
    /// call from `AUTH_MODE` (which must be set: no function runs open by accident).
    pub async fn from_env(subscribers: Subscribers) -> Result<Self, lambda_http::Error> {
        let mode = WriteMode::parse(std::env::var("EVENT_STORE_MODE").ok().as_deref())?;
        let auth = Auth::from_env()?;
        let stores = dynamo_stores_from_env().await;
        Ok(Self {
            cursors: CursorKey::from_env(),
            ..Self::sealed_with(stores.events, stores.keys, subscribers, mode)
                .with_views(stores.views)
                .with_auth(auth)
        })
    }

    pub fn invocation(&self, trace: TraceContext, now: OffsetDateTime) -> Invocation {
        // Keys are remembered for this request only (see `CachedKeyStore`).
        let keys: Arc<dyn KeyStore> = Arc::new(CachedKeyStore::new(self.keys.clone()));
        let store: Arc<dyn EventStore> =
            Arc::new(SealedStore::new(self.stored.clone(), keys.clone()));
        Invocation {
            store: store.clone(),
            keys,
            views: self.views.clone(),
            cursors: self.cursors.clone(),
            writer: EventWriter::new(store, self.subscribers.clone(), self.mode),
            trace,
            now,
        }
    }
}

/// The roots of Amazon Trust Services, which DynamoDB's (and STS's) certificates chain to,
/// compiled in: reading and parsing the system's ~140 roots was half of a function's init.
const AMAZON_ROOTS: [&str; 5] = [
    include_str!("../certs/Amazon_Root_CA_1.pem"),
    include_str!("../certs/Amazon_Root_CA_2.pem"),
    include_str!("../certs/Amazon_Root_CA_3.pem"),
    include_str!("../certs/Amazon_Root_CA_4.pem"),
    include_str!("../certs/Starfield_Services_Root_Certificate_Authority_-_G2.pem"),
];

/// The SDK's HTTPS client (rustls with aws-lc, as its default), trusting the Amazon roots only.
pub fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let trust = AMAZON_ROOTS.iter().fold(TrustStore::empty(), |store, pem| {
        store.with_pem_certificate(pem.as_bytes())
    });
    let context = TlsContext::builder().with_trust_store(trust).build();
    let builder = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
    match context {
        Ok(context) => builder.tls_context(context).build_https(),
        // Building the context only moves what it was given: it does not fail.
        Err(_) => builder.build_https(),
    }
}

/// The three tables, on DynamoDB.
pub struct Stores {
    /// The event store as stored: personal data sealed (wrap it in a `SealedStore` to read).
    pub events: Arc<dyn EventStore>,
    pub views: Arc<dyn ProjectionStore>,
    pub keys: Arc<dyn KeyStore>,
}

/// The event store, projection store and key store named by `EVENT_STORE_TABLE`,
/// `PROJECTION_STORE_TABLE` and `KEY_STORE_TABLE`, on DynamoDB as the standard AWS environment
/// configures it.
pub async fn dynamo_stores_from_env() -> Stores {
    let table = |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.into());
    let events = table("EVENT_STORE_TABLE", DEFAULT_EVENT_TABLE);
    let projections = table("PROJECTION_STORE_TABLE", DEFAULT_PROJECTION_TABLE);
    let keys = table("KEY_STORE_TABLE", DEFAULT_KEY_TABLE);
    let client = dynamodb_client().await;
    Stores {
        events: Arc::new(DynamoEventStore::new(client.clone(), events)),
        views: Arc::new(DynamoProjectionStore::new(client.clone(), projections)),
        keys: Arc::new(DynamoKeyStore::new(client, keys)),
    }
}

/// The DynamoDB client. Lambda puts the region and the execution role's credentials in the
/// environment: read from there, the client skips the SDK's provider chain (profile files, SSO,
/// IMDS; about 0.75 ms of a cold start in the release build) and is built on first use (see
/// [`DynamoClient`]). Anywhere they are not both set, the SDK's default chain, now.
async fn dynamodb_client() -> DynamoClient {
    let budget = TimeBudget::from_env();
    let variable = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = variable("AWS_REGION").or_else(|| variable("AWS_DEFAULT_REGION"));
    // As the SDK reads them: the service's own variable first, then the general one.
    let endpoint = variable("AWS_ENDPOINT_URL_DYNAMODB").or_else(|| variable("AWS_ENDPOINT_URL"));
    match (region, variable("AWS_ACCESS_KEY_ID")) {
        (Some(region), Some(_)) => DynamoClient::lazy(move || {
            let mut config = aws_sdk_dynamodb::Config::builder()
                .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
                .region(aws_sdk_dynamodb::config::Region::new(region))
                .credentials_provider(
                    aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
                )
                .http_client(https_client());
            config.set_endpoint_url(endpoint);
            aws_sdk_dynamodb::Client::from_conf(budget.apply(config).build())
        }),
        _ => {
            let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .http_client(https_client())
                .load()
                .await;
            let config = budget.apply(aws_sdk_dynamodb::config::Builder::from(&config));
            aws_sdk_dynamodb::Client::from_conf(config.build()).into()
        }
    }
}

/// Runs one request through a slice's handler: the caller authorized for `scope`, trace context
/// in, problem+json out, and in batch mode the buffered events flushed before a success is
/// answered (or the success replaced by the flush's error). A failed request writes nothing.
pub async fn dispatch<H, F>(app: &App, scope: Scope, request: Request, handler: H) -> Response<Body>
where
    H: FnOnce(Invocation, Request) -> F,
    F: Future<Output = Result<Response<Body>, Problem>>,
{
    // Milliseconds are precision enough for business time, and keep timestamps short.
    let now = OffsetDateTime::now_utc();
    let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    let caller = app.auth.authorize(&request, scope, now.unix_timestamp());
    let hints = trace_hints_of(&request);
    let checked = check_trace_hints(&hints);
    let trace = match (&caller, &checked) {
        // Who did it comes from the verified token alone; `x-user-id` counts only where no
        // token is verified (an open local stack).
        (Ok(caller), Ok(())) => TraceContext::from_hints(
            &TraceHints {
                user_id: caller.subject.as_deref().or(hints.user_id),
                ..hints
            },
            now,
        ),
        // Refused: a trace of our own, nothing of the request's.
        _ => TraceContext::from_hints(&TraceHints::default(), now),
    };
    let request_id = request
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        trace_id = %trace.trace_id,
        span_id = %trace.span_id,
        request_id = %request_id,
    );
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    async move {
        let trace_header = lambda_http::http::HeaderValue::from_str(&trace.trace_id).ok();
        let handled = async {
            if let Err(refused) = caller {
                return Problem::from(refused).into_response();
            }
            if let Err(problem) = checked {
                return problem.into_response();
            }
            // A keyed command replays its recorded answer, or runs buffered so that its
            // answer is recorded in the same transaction as its events.
            let keyed = match idempotency::key_of(&request) {
                Ok(None) => None,
                Ok(Some(key)) => {
                    let fingerprint = idempotency::fingerprint(&request);
                    match app.store.recorded(&key, now.unix_timestamp()).await {
                        Ok(Some(record)) => return idempotency::replay(&record, &fingerprint),
                        Ok(None) => Some((key, fingerprint)),
                        Err(error) => return Problem::from(error).into_response(),
                    }
                }
                Err(problem) => return problem.into_response(),
            };
            let mut invocation = app.invocation(trace, now);
            if keyed.is_some() {
                invocation.writer = invocation.writer.buffering();
            }
            let writer = invocation.writer.clone();
            let response = match handler(invocation, request).await {
                Ok(response) if response.status().is_success() => response,
                Ok(response) => {
                    writer.discard();
                    return response;
                }
                Err(problem) => {
                    writer.discard();
                    return problem.into_response();
                }
            };
            let Some((key, fingerprint)) = keyed else {
                return match writer.flush().await {
                    Ok(_) => response,
                    Err(error) => Problem::from(error).into_response(),
                };
            };
            let record = idempotency::record(&key, &fingerprint, &response, now);
            match writer.flush_recording(Some(&record)).await {
                Ok(_) => response,
                // A request with the same key won the race: answer as it was answered.
                Err(StoreError::KeyTaken(_)) => {
                    match app.store.recorded(&key, now.unix_timestamp()).await {
                        Ok(Some(winner)) => idempotency::replay(&winner, &fingerprint),
                        Ok(None) => Problem::from(StoreError::KeyTaken(key)).into_response(),
                        Err(error) => Problem::from(error).into_response(),
                    }
                }
                Err(error) => Problem::from(error).into_response(),
            }
        };
        // Whatever DynamoDB does, the caller hears back before the function times out.
        let mut response = match tokio::time::timeout(app.budget.request(), handled).await {
            Ok(response) => response,
            Err(_) => {
                // The handler's buffer went with it: nothing buffered is flushed.
                tracing::error!(budget = ?app.budget.request(), "request out of time");
                Problem::unavailable(
                    "the request ran out of time; a write may have happened: \
                     read the resource before retrying",
                )
                .into_response()
            }
        };
        // Lets a caller find the events and logs of its request.
        if let Some(trace_id) = trace_header {
            response.headers_mut().insert("x-trace-id", trace_id);
        }
        tracing::info!(%method, %path, status = response.status().as_u16(), "handled");
        response
    }
    .instrument(span)
    .await
}

/// The whole `main` of an HTTP slice: its registry entry, found by the binary's name.
pub async fn serve(registry: Registry, function: &str) -> Result<(), lambda_http::Error> {
    let slice = registry
        .slices
        .into_iter()
        .find(|slice| slice.function == function)
        .ok_or_else(|| format!("{function} is in no registry"))?;
    let handler = slice.handler;
    serve_http(
        slice.subscribers,
        slice.scope,
        move |invocation, request| handler(invocation, request),
    )
    .await
}

/// Serves one handler with these subscribers, to callers granted `scope`.
pub async fn serve_http<H, F>(
    subscribers: Subscribers,
    scope: Scope,
    handler: H,
) -> Result<(), lambda_http::Error>
where
    H: Fn(Invocation, Request) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Body>, Problem>> + Send,
{
    init_logging();
    let app = Arc::new(App::from_env(subscribers).await?);
    lambda_http::run(lambda_http::service_fn(move |request: Request| {
        let app = app.clone();
        let handler = handler.clone();
        async move {
            Ok::<_, std::convert::Infallible>(dispatch(&app, scope, request, handler).await)
        }
    }))
    .await
}

/// JSON lines on Lambda when `AWS_LAMBDA_LOG_FORMAT=JSON`, readable text otherwise. The level
/// comes from `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`, else info.
pub fn init_logging() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // An error means one is installed already (tests): keep that one.
    if json {
        let _ = tracing::subscriber::set_global_default(json_logs(&level, std::io::stdout));
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter(&level))
            .with_target(false)
            .try_init();
    }
}

fn filter(level: &str) -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// One JSON object per line. Lines logged while a request is served carry its span's fields:
/// `trace_id`, `span_id` and the Lambda `request_id`. CloudWatch adds the time.
pub fn json_logs<W>(level: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_ansi(false)
        .with_writer(writer)
        .finish()
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    /// Each compiled-in root is one PEM certificate whose body is DER (a SEQUENCE).
    #[test]
    fn the_compiled_in_roots_are_certificates() {
        for pem in super::AMAZON_ROOTS {
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
            assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 1);
            let der = base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap();
            assert_eq!(der[0], 0x30, "a DER SEQUENCE");
        }
        let _client = super::https_client();
    }
}
