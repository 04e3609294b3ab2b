//! Test support for every crate's tests: DynamoDB on moto, and request counting.
//!
//! There is no fallback: without `AWS_ENDPOINT_URL_DYNAMODB` a test that needs DynamoDB fails
//! loudly (run tests through `cargo xtask test`, which starts moto).

// A test kit fails the test that uses it as a test would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::ConfigBag;

use crate::event_store::create_event_store_table;
use crate::event_store::DynamoEventStore;
use crate::key_store::{create_key_store_table, DynamoKeyStore};
use crate::projection_store::{create_projection_store_table, DynamoProjectionStore};

pub fn dynamodb_endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL_DYNAMODB is not set: this test needs DynamoDB (moto). \
             Run the tests with `cargo xtask test`, which starts moto."
        )
    })
}

/// Counts DynamoDB operations by name: once per operation (before serialization), not per
/// retry. It also meters the capacity they consume, by DynamoDB's published rules (moto
/// answers every request with the same made-up figure): see [`Capacity`].
#[derive(Clone, Default, Debug)]
pub struct RequestCounter(Arc<Mutex<Vec<String>>>, Arc<Mutex<Capacity>>);

/// Capacity units, as DynamoDB would bill them for what was sent and answered: a strongly
/// consistent read costs 1 unit per 4 KB (a Query's items summed, then rounded up; a
/// GetItem's or each BatchGetItem item's rounded up alone), a write 1 unit per KB of each
/// item, twice that in a transaction.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub read_units: usize,
    pub write_units: usize,
}

impl RequestCounter {
    /// The requests and read units of one call of `read`, made after a first (which may read
    /// the read models' generation pointer, cached 5 s per instance): measured again while a
    /// slow machine lets the pointer's cache lapse between the two.
    pub async fn read_cost<F, Fut>(&self, read: F) -> (Vec<String>, usize)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        read().await;
        for _ in 0..3 {
            self.reset();
            read().await;
            let operations = self.operations();
            if !operations.iter().any(|o| o == "GetItem") {
                return (operations, self.capacity().read_units);
            }
        }
        panic!("the generation pointer was read on every try");
    }

    pub fn operations(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn count(&self) -> usize {
        self.operations().len()
    }

    /// The capacity consumed since the last reset.
    pub fn capacity(&self) -> Capacity {
        *self.1.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
        *self.1.lock().unwrap_or_else(|e| e.into_inner()) = Capacity::default();
    }

    fn add(&self, read_units: usize, write_units: usize) {
        let mut capacity = self.1.lock().unwrap_or_else(|e| e.into_inner());
        capacity.read_units += read_units;
        capacity.write_units += write_units;
    }
}

fn read_units(bytes: usize) -> usize {
    bytes.div_ceil(4096).max(1)
}

fn write_units(item: &crate::item::Item) -> usize {
    crate::item::item_size(item).div_ceil(1024).max(1)
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
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
        use aws_sdk_dynamodb::operation::{
            batch_get_item::BatchGetItemInput, put_item::PutItemInput,
            transact_write_items::TransactWriteItemsInput, update_item::UpdateItemInput,
        };
        let input = context.input();
        // Every key asked for costs at least 1 RCU, found or not; what the items found cost
        // beyond that is added from the answer.
        if let Some(batch) = input.downcast_ref::<BatchGetItemInput>() {
            let keys = batch
                .request_items
                .iter()
                .flat_map(|tables| tables.values())
                .map(|keys| keys.keys().len())
                .sum();
            self.add(keys, 0);
        }
        // The answer does not say how large the item became: counted at the minimum, 1 WCU
        // (the projection items updated this way are well under 1 KB).
        if input.downcast_ref::<UpdateItemInput>().is_some() {
            self.add(0, 1);
        }
        if let Some(put) = input.downcast_ref::<PutItemInput>() {
            self.add(0, put.item.as_ref().map_or(1, write_units));
        }
        if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
            let units: usize = transaction
                .transact_items()
                .iter()
                .filter_map(|item| item.put())
                .map(|put| 2 * write_units(put.item()))
                .sum();
            self.add(0, units);
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use crate::item::item_size;
        use aws_sdk_dynamodb::operation::{
            batch_get_item::BatchGetItemOutput, get_item::GetItemOutput, query::QueryOutput,
        };
        let Ok(output) = context.output_or_error() else {
            return Ok(());
        };
        if let Some(query) = output.downcast_ref::<QueryOutput>() {
            self.add(read_units(query.items().iter().map(item_size).sum()), 0);
        }
        if let Some(get) = output.downcast_ref::<GetItemOutput>() {
            self.add(read_units(get.item.as_ref().map_or(0, item_size)), 0);
        }
        if let Some(batch) = output.downcast_ref::<BatchGetItemOutput>() {
            let units = batch
                .responses
                .iter()
                .flat_map(|tables| tables.values().flatten())
                .map(|item| read_units(item_size(item)) - 1)
                .sum();
            self.add(units, 0);
        }
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

/// A new, empty key table of its own on moto.
pub async fn fresh_dynamo_key_store(counter: &RequestCounter) -> DynamoKeyStore {
    let client = moto_client(counter);
    let table = format!("KeyStore-test-{}", uuid::Uuid::new_v4().simple());
    create_key_store_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("cannot create table {table} on moto: {e}"));
    DynamoKeyStore::new(client, table)
}

/// A new, empty projection table of its own on moto.
pub async fn fresh_dynamo_projection_store(counter: &RequestCounter) -> DynamoProjectionStore {
    let client = moto_client(counter);
    let table = format!("ProjectionStore-test-{}", uuid::Uuid::new_v4().simple());
    create_projection_store_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("cannot create table {table} on moto: {e}"));
    DynamoProjectionStore::new(client, table)
}

/// Runs each named `async fn(Arc<dyn EventStore>)` twice: on the in-memory store and on a fresh
/// DynamoDB table on moto, so both adapters are held to one contract.
#[macro_export]
macro_rules! on_both_event_stores {
    ($($test:ident),* $(,)?) => {
        mod in_memory {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(std::sync::Arc::new(::event_sourcing::InMemoryEventStore::with_limits($crate::APPEND_LIMITS))).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    let (store, _) = $crate::testing::fresh_dynamo_store().await;
                    super::$test(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}
