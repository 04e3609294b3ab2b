//! The in-process test API: every slice of some registries behind a router that routes as API
//! Gateway does, through the Lambdas' own dispatch; and a log buffer.

// A test kit fails the test that uses it as a test would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crypto_shredding::{KeyStore, SealedStore};
use event_sourcing::projection::InMemoryProjectionStore;
use event_sourcing::store::Storage;
use event_sourcing::{EventEnvelope, InMemoryEventStore, StreamId, WriteMode};
use http_api::registry::{Registry, Route};
use http_api::testing::request;

/// The one handler-test harness: the slices of some registries behind a router that routes as
/// API Gateway does, through the Lambdas' own dispatch, on an event store of the test's choice
/// (in memory by default) and an in-memory projection store.
pub struct TestApi<S: Storage + ?Sized = InMemoryEventStore> {
    pub app: crate::App,
    pub store: Arc<S>,
    /// The store as the app's sealing layer wraps it.
    port: Arc<dyn Storage>,
    pub views: Arc<InMemoryProjectionStore>,
    routes: Vec<Route>,
}

impl TestApi {
    /// Every slice of these registries, with all their subscribers, in memory.
    pub fn in_memory(registries: impl IntoIterator<Item = Registry>) -> Self {
        Self::with_mode(registries, WriteMode::Direct)
    }

    pub fn with_mode(registries: impl IntoIterator<Item = Registry>, mode: WriteMode) -> Self {
        Self::on(registries, Arc::new(InMemoryEventStore::new()), mode)
    }
}

impl TestApi<dyn Storage> {
    /// On a store known only as the port (a wrapper that injects races, say).
    pub fn on_dyn(
        registries: impl IntoIterator<Item = Registry>,
        store: Arc<dyn Storage>,
        mode: WriteMode,
    ) -> Self {
        Self::build(registries, store.clone(), store, mode)
    }
}

impl<S: Storage + 'static> TestApi<S> {
    pub fn on(
        registries: impl IntoIterator<Item = Registry>,
        store: Arc<S>,
        mode: WriteMode,
    ) -> Self {
        Self::build(registries, store.clone(), store, mode)
    }
}

impl<S: Storage + ?Sized> TestApi<S> {
    fn build(
        registries: impl IntoIterator<Item = Registry>,
        store: Arc<S>,
        port: Arc<dyn Storage>,
        mode: WriteMode,
    ) -> Self {
        let registry = Registry::merge(registries);
        let views = Arc::new(InMemoryProjectionStore::new());
        let app =
            crate::App::new(port.clone(), registry.subscribers(), mode).with_views(views.clone());
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
    pub fn with_keys_of<T: Storage + ?Sized>(self, other: &TestApi<T>) -> Self {
        let keys = other.app.keys.clone();
        self.with_key_store(keys)
    }

    /// The same slices reading read models from this store (DynamoDB on moto, say).
    pub fn with_views(
        mut self,
        views: Arc<dyn event_sourcing::projection::ProjectionStore>,
    ) -> Self {
        self.app = self.app.with_views(views);
        self
    }

    /// The same slices with this key store.
    pub fn with_key_store(mut self, keys: Arc<dyn KeyStore>) -> Self {
        self.app.store = Arc::new(SealedStore::new(self.port.clone(), keys.clone()));
        self.app.keys = keys;
        self
    }

    /// The stored events of one stream, personal data opened.
    pub async fn events(&self, aggregate_type: &str, id: &str) -> Vec<EventEnvelope> {
        self.app
            .store
            .load(&StreamId::new(aggregate_type, id))
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

    /// [`Self::call`], which must answer `status` (the body is shown when it does not).
    pub async fn call_expecting(
        &self,
        status: u16,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> lambda_http::Response<lambda_http::Body> {
        let response = self.call(method, path, body).await;
        assert_eq!(
            response.status().as_u16(),
            status,
            "{method} {path}: {:?}",
            response.body()
        );
        response
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
        crate::dispatch(
            &self.app,
            route.scope,
            request,
            move |invocation, request| handler(invocation, request),
        )
        .await
    }
}

/// Log lines captured in memory: give it to [`crate::json_logs`] and read them back as text.
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

/// The slices of some registries on a store, their read models kept in `views` by the stream
/// consumer's engine on demand: what tests of lists, queues and figures need. Each created
/// record is named with [`Self::track`]; [`Self::project`] feeds every tracked stream's events
/// to the consumer, as the stream would (a repeat changes nothing).
pub struct WithReadModels {
    pub api: TestApi<dyn Storage>,
    consumer: event_sourcing::projection::Consumer,
    streams: std::sync::Mutex<Vec<StreamId>>,
}

impl WithReadModels {
    pub fn new(
        registries: impl Fn() -> Vec<Registry>,
        store: Arc<dyn Storage>,
        views: Arc<dyn event_sourcing::projection::ProjectionStore>,
        mode: WriteMode,
    ) -> Self {
        let projections = Registry::merge(registries()).projections();
        let api = TestApi::on_dyn(registries(), store, mode).with_views(views.clone());
        // The consumer opens sealed events as the deployed one does.
        let consumer =
            event_sourcing::projection::Consumer::new(projections, views, api.app.store.clone());
        Self {
            api,
            consumer,
            streams: std::sync::Mutex::default(),
        }
    }

    pub fn track(&self, aggregate_type: &str, id: &str) {
        self.streams
            .lock()
            .expect("the tracked streams")
            .push(StreamId::new(aggregate_type, id));
    }

    pub async fn project(&self) {
        let streams = self.streams.lock().expect("the tracked streams").clone();
        let mut records = Vec::new();
        for stream in &streams {
            let events = self
                .api
                .app
                .store
                .load(stream)
                .await
                .expect("the stream loads");
            for event in events {
                records.push(event_sourcing::projection::IncomingRecord {
                    sequence_number: records.len().to_string(),
                    event: Ok(event),
                });
            }
        }
        let report = self.consumer.process(records).await;
        assert!(report.failed.is_empty(), "{report:?}");
    }
}
