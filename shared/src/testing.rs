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

fn write_units(item: &crate::store::item::Item) -> usize {
    crate::store::item::item_size(item).div_ceil(1024).max(1)
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
        use crate::store::item::item_size;
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
pub async fn fresh_dynamo_key_store(counter: &RequestCounter) -> crate::personal::DynamoKeyStore {
    let client = moto_client(counter);
    let table = format!("KeyStore-test-{}", uuid::Uuid::new_v4().simple());
    crate::personal::create_key_store_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("cannot create table {table} on moto: {e}"));
    crate::personal::DynamoKeyStore::new(client, table)
}

/// An API Gateway request as a slice sees it: method, path, JSON body, path parameters.
pub fn request(
    method: &str,
    path: &str,
    body: Option<&str>,
    path_parameters: &[(&str, &str)],
) -> lambda_http::Request {
    use lambda_http::RequestExt;
    let mut builder = lambda_http::http::Request::builder()
        .method(method)
        .uri(format!("https://api.example.com{path}"));
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    let body = body.map_or(lambda_http::Body::Empty, |b| {
        lambda_http::Body::from(b.to_owned())
    });
    let params: std::collections::HashMap<String, String> = path_parameters
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    builder
        .body(body)
        .expect("a well-formed test request")
        .with_path_parameters(params)
}

/// The response body as JSON (`Null` when empty).
pub fn body_json(response: &lambda_http::Response<lambda_http::Body>) -> serde_json::Value {
    match response.body() {
        lambda_http::Body::Text(text) => serde_json::from_str(text).expect("a JSON body"),
        lambda_http::Body::Binary(bytes) => serde_json::from_slice(bytes).expect("a JSON body"),
        _ => serde_json::Value::Null,
    }
}

/// Asserts a problem+json answer with this status, and returns its body.
pub fn assert_problem(
    response: &lambda_http::Response<lambda_http::Body>,
    status: u16,
) -> serde_json::Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "unexpected status; body: {:?}",
        response.body()
    );
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let body = body_json(response);
    assert_eq!(body["status"], status);
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

/// The one handler-test harness: the slices of some registries behind a router that routes as
/// API Gateway does, through the Lambdas' own dispatch, on an event store of the test's choice
/// (in memory by default) and an in-memory projection store.
pub struct TestApi<S: crate::EventStore + ?Sized = crate::store::InMemoryEventStore> {
    pub app: crate::runtime::App,
    pub store: Arc<S>,
    /// The store as the app's sealing layer wraps it.
    port: Arc<dyn crate::EventStore>,
    pub views: Arc<crate::projection::InMemoryProjectionStore>,
    routes: Vec<crate::registry::Route>,
}

impl TestApi {
    /// Every slice of these registries, with all their subscribers, in memory.
    pub fn in_memory(registries: impl IntoIterator<Item = crate::registry::Registry>) -> Self {
        Self::with_mode(registries, crate::WriteMode::Direct)
    }

    pub fn with_mode(
        registries: impl IntoIterator<Item = crate::registry::Registry>,
        mode: crate::WriteMode,
    ) -> Self {
        Self::on(
            registries,
            Arc::new(crate::store::InMemoryEventStore::new()),
            mode,
        )
    }
}

impl TestApi<dyn crate::EventStore> {
    /// On a store known only as the port (a wrapper that injects races, say).
    pub fn on_dyn(
        registries: impl IntoIterator<Item = crate::registry::Registry>,
        store: Arc<dyn crate::EventStore>,
        mode: crate::WriteMode,
    ) -> Self {
        Self::build(registries, store.clone(), store, mode)
    }
}

impl<S: crate::EventStore + 'static> TestApi<S> {
    pub fn on(
        registries: impl IntoIterator<Item = crate::registry::Registry>,
        store: Arc<S>,
        mode: crate::WriteMode,
    ) -> Self {
        Self::build(registries, store.clone(), store, mode)
    }
}

impl<S: crate::EventStore + ?Sized> TestApi<S> {
    fn build(
        registries: impl IntoIterator<Item = crate::registry::Registry>,
        store: Arc<S>,
        port: Arc<dyn crate::EventStore>,
        mode: crate::WriteMode,
    ) -> Self {
        let registry = crate::registry::Registry::merge(registries);
        let views = Arc::new(crate::projection::InMemoryProjectionStore::new());
        let app = crate::runtime::App::new(port.clone(), registry.subscribers(), mode)
            .with_views(views.clone());
        Self {
            app,
            store,
            port,
            views,
            routes: registry.routes(),
        }
    }

    /// The same slices using another harness's data keys, as every function of a deployment
    /// shares one key table (two harnesses on one event store need this to read each other's
    /// personal data).
    pub fn with_keys_of<T: crate::EventStore + ?Sized>(self, other: &TestApi<T>) -> Self {
        let keys = other.app.keys.clone();
        self.with_key_store(keys)
    }

    /// The same slices with this key store.
    pub fn with_key_store(mut self, keys: Arc<dyn crate::personal::KeyStore>) -> Self {
        self.app.store = Arc::new(crate::personal::SealedStore::new(
            self.port.clone(),
            keys.clone(),
        ));
        self.app.keys = keys;
        self
    }

    /// The stored events of one stream, personal data opened.
    pub async fn events(&self, aggregate_type: &str, id: &str) -> Vec<crate::EventEnvelope> {
        self.app
            .store
            .load(&crate::StreamId::new(aggregate_type, id))
            .await
            .expect("the stream loads")
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> lambda_http::Response<lambda_http::Body> {
        self.call_with(method, path, body, &[]).await
    }

    /// `path` may carry a query string; `headers` are added as given.
    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> lambda_http::Response<lambda_http::Body> {
        let body = body.map(|b| b.to_string());
        let mut request = request(method, path, body.as_deref(), &[]);
        for (name, value) in headers {
            let name =
                lambda_http::http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
            request
                .headers_mut()
                .insert(name, value.parse().expect("header value"));
        }
        self.send(request).await
    }

    /// Routes a request built by hand (any body, headers): path parameters and the query string
    /// are filled in from its URI, as API Gateway does.
    pub async fn send(
        &self,
        request: lambda_http::Request,
    ) -> lambda_http::Response<lambda_http::Body> {
        use lambda_http::RequestExt;
        let method = request.method().as_str().to_owned();
        let path = request.uri().path().to_owned();
        let (route, params) = self
            .routes
            .iter()
            .filter_map(|route| route.matches(&method, &path).map(|p| (route, p)))
            .max_by_key(|(route, _)| route.specificity())
            .unwrap_or_else(|| panic!("no route for {method} {path}"));
        let params: std::collections::HashMap<String, String> = params.into_iter().collect();
        let query: std::collections::HashMap<String, String> = request
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let request = request
            .with_path_parameters(params)
            .with_query_string_parameters(query);
        let handler = route.handler.clone();
        crate::runtime::dispatch(
            &self.app,
            route.scope,
            request,
            move |invocation, request| handler(invocation, request),
        )
        .await
    }
}

/// A new, empty projection table of its own on moto.
pub async fn fresh_dynamo_projection_store(
    counter: &RequestCounter,
) -> crate::projection::DynamoProjectionStore {
    let client = moto_client(counter);
    let table = format!("ProjectionStore-test-{}", uuid::Uuid::new_v4().simple());
    crate::projection::create_projection_store_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("cannot create table {table} on moto: {e}"));
    crate::projection::DynamoProjectionStore::new(client, table)
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
                    super::$test(std::sync::Arc::new($crate::store::InMemoryEventStore::new())).await;
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

/// A `decide` specification: given these events, when this command is decided, then these
/// events (or this refusal).
///
/// ```
/// # use shared::testing::given;
/// # use shared::{Aggregate, DomainEvent};
/// # #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// # #[serde(tag = "eventType", content = "payload")]
/// # enum CounterEvent { Added(u32) }
/// # impl DomainEvent for CounterEvent {}
/// # #[derive(Clone, Default, serde::Serialize, serde::Deserialize)] struct Counter(u32);
/// # impl Aggregate for Counter {
/// #     const TYPE: &'static str = "counter";
/// #     const SNAPSHOT_SHAPE: Option<u32> = Some(1);
/// #     type Event = CounterEvent;
/// #     fn evolve(self, CounterEvent::Added(n): &CounterEvent) -> Self { Counter(self.0 + n) }
/// # }
/// fn add(state: &Counter, n: u32) -> Result<Vec<CounterEvent>, String> {
///     if state.0 + n > 10 { return Err("full".into()) }
///     Ok(vec![CounterEvent::Added(n)])
/// }
/// given::<Counter>([CounterEvent::Added(9)]).when(|s| add(s, 1)).then([CounterEvent::Added(1)]);
/// given::<Counter>([CounterEvent::Added(9)]).when(|s| add(s, 2)).then_error("full".to_owned());
/// ```
pub fn given<A: crate::Aggregate>(events: impl IntoIterator<Item = A::Event>) -> Given<A> {
    let events: Vec<A::Event> = events.into_iter().collect();
    Given {
        state: A::from_events(&events),
    }
}

pub struct Given<A> {
    pub state: A,
}

impl<A: crate::Aggregate> Given<A> {
    pub fn when<E>(self, decide: impl FnOnce(&A) -> Result<Vec<A::Event>, E>) -> Then<A::Event, E> {
        Then(decide(&self.state))
    }
}

/// What `decide` answered; each `then` asserts it.
pub struct Then<Event, E>(pub Result<Vec<Event>, E>);

impl<Event: std::fmt::Debug + PartialEq, E: std::fmt::Debug + PartialEq> Then<Event, E> {
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = Event>) {
        let expected: Vec<Event> = expected.into_iter().collect();
        assert_eq!(self.0, Ok(expected));
    }

    /// Nothing to record (an idempotent no-op).
    #[track_caller]
    pub fn then_nothing(self) {
        assert_eq!(self.0, Ok(Vec::new()));
    }

    #[track_caller]
    pub fn then_error(self, expected: E) {
        assert_eq!(self.0, Err(expected));
    }
}

/// Log lines captured in memory: give it to `runtime::json_logs` and read them back as text.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'w self) -> LogBuffer {
        self.clone()
    }
}
