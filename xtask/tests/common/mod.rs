//! Calling the local stack over HTTP, for the end-to-end suites.

#![allow(dead_code)]

use serde_json::Value;

pub fn base_url() -> String {
    std::env::var("EVENTCRM_BASE_URL").unwrap_or_else(|_| {
        panic!("EVENTCRM_BASE_URL is not set: run these through `cargo xtask test`, which starts the local stack")
    })
}

/// The stack's auth mode, as `cargo xtask test` started it: `open` or `local`.
pub fn auth_mode() -> String {
    std::env::var("EVENTCRM_AUTH").unwrap_or_else(|_| {
        panic!("EVENTCRM_AUTH is not set: run these through `cargo xtask test`")
    })
}

/// The token `cargo xtask test` made for this suite where the stack requires one.
pub fn suite_token() -> Option<String> {
    std::env::var("EVENTCRM_TOKEN").ok()
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub body: Value,
    pub raw: String,
}

/// A JSON call; `path` is below the base URL (`/contacts`).
pub fn call(method: &str, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Reply {
    call_raw(
        method,
        path,
        body.map(|b| ("application/json", b.to_string())),
        headers,
    )
}

/// Asserts the reply's status, showing its body when it differs.
#[track_caller]
pub fn expect(reply: Reply, status: u16) -> Reply {
    assert_eq!(reply.status, status, "{}", reply.raw);
    reply
}

/// A call with any body and content type.
pub fn call_raw(
    method: &str,
    path: &str,
    body: Option<(&str, String)>,
    headers: &[(&str, &str)],
) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .build()
        .into();
    let url = format!("{}{path}", base_url());
    let mut request = ureq::http::Request::builder().method(method).uri(&url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    // Against a stack that requires tokens, every call carries the suite's own (all scopes)
    // unless it brings one.
    if let Some(token) = suite_token() {
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        {
            request = request.header("authorization", format!("Bearer {token}"));
        }
    }
    let response = match body {
        Some((content_type, body)) => agent.run(
            request
                .header("content-type", content_type)
                .body(body)
                .expect("request"),
        ),
        None => agent.run(request.body(()).expect("request")),
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, content_type, etag, location) = (
        response.status().as_u16(),
        header("content-type").unwrap_or_default(),
        header("etag"),
        header("location"),
    );
    let raw = response.into_body().read_to_string().expect("body");
    let body = if raw.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&raw).unwrap_or(Value::String(raw.clone()))
    };
    Reply {
        status,
        content_type,
        etag,
        location,
        body,
        raw,
    }
}

pub fn assert_problem(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{:?}", reply.body);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["status"], status);
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// The stored events of one stream, read from the stack's event store.
pub fn stored_events(aggregate_type: &str, id: &str) -> Vec<event_sourcing::EventEnvelope> {
    use event_sourcing::store::EventStore;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let store = dynamodb_adapters::DynamoEventStore::new(
            aws_sdk_dynamodb::Client::new(&config),
            "EventStore",
        );
        store
            .load(&event_sourcing::StreamId::new(aggregate_type, id))
            .await
            .expect("load")
    })
}
