//! The DynamoDB adapters of EventCRM's store ports: the event store (one item per event, appends
//! as one conditional transaction), the projection store (generations, indexes, counters), the
//! key store of crypto-shredding, their tables as `template.yaml` defines them, and the SDK
//! client they share (built on first use, trusting the Amazon roots only).

mod client;
pub mod event_store;
pub mod item;
pub mod key_store;
pub mod projection_store;
pub mod stream;

#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use event_sourcing::projection::ProjectionStore;
use event_sourcing::store::Storage;

pub use client::{DynamoClient, DynamoTable};
pub use crypto_shredding::KeyStore;
pub use event_store::{create_event_store_table, DynamoEventStore};
pub use item::APPEND_LIMITS;
pub use key_store::{create_key_store_table, DynamoKeyStore};
pub use projection_store::{create_projection_store_table, DynamoProjectionStore, Generations};

pub const DEFAULT_EVENT_TABLE: &str = "EventStore";
pub const DEFAULT_PROJECTION_TABLE: &str = "ProjectionStore";
pub const DEFAULT_KEY_TABLE: &str = "KeyStore";

/// How long the SDK may take: to connect, per attempt (it retries throttling and dropped
/// connections once) and per operation, retries included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdkTimeouts {
    pub connect: Duration,
    pub attempt: Duration,
    pub operation: Duration,
}

impl SdkTimeouts {
    /// The SDK's timeouts and retries within these limits.
    pub fn apply(
        &self,
        config: aws_sdk_dynamodb::config::Builder,
    ) -> aws_sdk_dynamodb::config::Builder {
        config
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(self.connect)
                    .operation_attempt_timeout(self.attempt)
                    .operation_timeout(self.operation)
                    .build(),
            )
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
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
    pub events: Arc<dyn Storage>,
    pub views: Arc<dyn ProjectionStore>,
    pub keys: Arc<dyn KeyStore>,
}

/// The event store, projection store and key store named by `EVENT_STORE_TABLE`,
/// `PROJECTION_STORE_TABLE` and `KEY_STORE_TABLE`, on DynamoDB as the standard AWS environment
/// configures it.
pub async fn dynamo_stores_from_env(timeouts: SdkTimeouts) -> Stores {
    let table = |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.into());
    let events = table("EVENT_STORE_TABLE", DEFAULT_EVENT_TABLE);
    let projections = table("PROJECTION_STORE_TABLE", DEFAULT_PROJECTION_TABLE);
    let keys = table("KEY_STORE_TABLE", DEFAULT_KEY_TABLE);
    let client = dynamodb_client(timeouts).await;
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
async fn dynamodb_client(timeouts: SdkTimeouts) -> DynamoClient {
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
            aws_sdk_dynamodb::Client::from_conf(timeouts.apply(config).build())
        }),
        _ => {
            let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .http_client(https_client())
                .load()
                .await;
            let config = timeouts.apply(aws_sdk_dynamodb::config::Builder::from(&config));
            aws_sdk_dynamodb::Client::from_conf(config.build()).into()
        }
    }
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
