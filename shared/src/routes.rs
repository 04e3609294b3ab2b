//! A slice's place in the API: method, path, Lambda binary and handler. Each aggregate lists its
//! slices once; tests route through that list, and a test checks the template and the local
//! router against it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lambda_http::{Body, Request, Response};

use crate::aggregate::Invocation;
use crate::http::Problem;

pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Problem>> + Send>>;
pub type Handler = Arc<dyn Fn(Invocation, Request) -> HandlerFuture + Send + Sync>;

#[derive(Clone)]
pub struct Route {
    pub method: &'static str,
    /// API Gateway syntax: `/api/clients/{id}/contacts/{contactId}`.
    pub path: &'static str,
    /// The Lambda binary serving it.
    pub function: &'static str,
    pub handler: Handler,
}

impl Route {
    pub fn new<H, F>(
        method: &'static str,
        path: &'static str,
        function: &'static str,
        handler: H,
    ) -> Self
    where
        H: Fn(Invocation, Request) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Response<Body>, Problem>> + Send + 'static,
    {
        Self {
            method,
            path,
            function,
            handler: Arc::new(move |invocation, request| Box::pin(handler(invocation, request))),
        }
    }

    /// The path parameters if `path` (no query) matches this route's pattern.
    pub fn matches(&self, method: &str, path: &str) -> Option<Vec<(String, String)>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let pattern: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = Vec::new();
        for (expected, given) in pattern.iter().zip(&actual) {
            match expected.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => params.push((name.to_owned(), (*given).to_owned())),
                None if expected == given => {}
                None => return None,
            }
        }
        Some(params)
    }

    /// How many literal segments: API Gateway prefers the most specific route.
    pub fn specificity(&self) -> usize {
        self.path.split('/').filter(|s| !s.starts_with('{')).count()
    }
}
