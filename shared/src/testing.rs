//! Test support shared by every crate's tests: DynamoDB on moto, and request counting.
//!
//! There is no fallback: without `AWS_ENDPOINT_URL_DYNAMODB` a test that needs DynamoDB fails
//! loudly (run tests through `cargo xtask test`, which starts moto).

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::ConfigBag;

use crate::store::dynamo::create_event_store_table;
use crate::store::DynamoEventStore;

pub fn dynamodb_endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL_DYNAMODB is not set: this test needs DynamoDB (moto). \
             Run the tests with `cargo xtask test`, which starts moto."
        )
    })
}

/// Counts DynamoDB operations (not retries) by name.
#[derive(Clone, Default, Debug)]
pub struct RequestCounter(Arc<Mutex<Vec<String>>>);

impl RequestCounter {
    pub fn operations(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn count(&self) -> usize {
        self.operations().len()
    }

    pub fn reset(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "unknown".into());
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(operation);
        Ok(())
    }
}

/// A client for moto, counting its requests.
pub fn moto_client(counter: &RequestCounter) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(dynamodb_endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
        .interceptor(counter.clone())
        .build();
    Client::from_conf(config)
}

/// A new, empty event store table of its own, so tests never see each other's data.
pub async fn fresh_dynamo_store() -> (DynamoEventStore, RequestCounter) {
    let counter = RequestCounter::default();
    let client = moto_client(&counter);
    let table = format!("EventStore-test-{}", uuid::Uuid::new_v4().simple());
    create_event_store_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("cannot create table {table} on moto: {e}"));
    counter.reset();
    (DynamoEventStore::new(client, table), counter)
}
