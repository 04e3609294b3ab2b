//! A test router over every contact and client slice, with every subscriber registered, so
//! tests read like HTTP calls.

#![allow(dead_code)]

use std::sync::Arc;

use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::Value;
use shared::runtime::{dispatch, App};
use shared::store::EventStore;
use shared::testing::request;
use shared::{EventEnvelope, StreamId, Subscribers, WriteMode};

pub fn subscribers() -> Subscribers {
    contact::delete_contact::subscribers()
        .merge(client::link_contact::subscribers())
        .merge(client::unlink_contact::subscribers())
}

pub struct Api {
    pub app: App,
    pub store: Arc<dyn EventStore>,
}

impl Api {
    pub fn new(store: Arc<dyn EventStore>, mode: WriteMode) -> Self {
        Self {
            app: App::new(store.clone(), subscribers(), mode),
            store,
        }
    }

    pub fn memory() -> Self {
        Self::new(
            Arc::new(shared::store::InMemoryEventStore::new()),
            WriteMode::Direct,
        )
    }

    /// `call("POST", "/api/clients/k1/contacts", Some(json))`, routed as API Gateway would.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Response<Body> {
        self.call_with(method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response<Body> {
        let (path_only, query) = path.split_once('?').unwrap_or((path, ""));
        let segments: Vec<&str> = path_only.trim_start_matches("/api/").split('/').collect();
        let body = body.map(|b| b.to_string());
        let params: Vec<(&str, &str)> = match segments.as_slice() {
            [_, id] => vec![("id", id)],
            [_, id, _] => vec![("id", id)],
            [_, id, _, contact_id] => vec![("id", id), ("contactId", contact_id)],
            _ => vec![],
        };
        let mut request: Request = request(method, path_only, body.as_deref(), &params);
        for (name, value) in headers {
            let name = lambda_http::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
            request.headers_mut().insert(name, value.parse().unwrap());
        }
        let query: std::collections::HashMap<String, String> = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let request = request.with_query_string_parameters(query);
        let app = &self.app;
        match (method, segments.as_slice()) {
            ("POST", ["contacts"]) => dispatch(app, request, contact::create_contact::handle).await,
            ("GET", ["contacts", _]) => dispatch(app, request, contact::get_contact::handle).await,
            ("PUT" | "PATCH", ["contacts", _]) => {
                dispatch(app, request, contact::edit_contact::handle).await
            }
            ("DELETE", ["contacts", _]) => {
                dispatch(app, request, contact::delete_contact::handle).await
            }
            ("POST", ["clients"]) => dispatch(app, request, client::create_client::handle).await,
            ("GET", ["clients", _]) => dispatch(app, request, client::get_client::handle).await,
            ("PUT" | "PATCH", ["clients", _]) => {
                dispatch(app, request, client::edit_client::handle).await
            }
            ("POST", ["clients", _, "contacts"]) => {
                dispatch(app, request, client::link_contact::handle).await
            }
            ("DELETE", ["clients", _, "contacts", _]) => {
                dispatch(app, request, client::unlink_contact::handle).await
            }
            other => panic!("no route for {other:?}"),
        }
    }

    pub async fn events(&self, aggregate_type: &str, id: &str) -> Vec<EventEnvelope> {
        self.store
            .load(&StreamId::new(aggregate_type, id))
            .await
            .unwrap()
    }
}
