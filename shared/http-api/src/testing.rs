//! Request builders and problem+json assertions for handler tests.

// A test kit fails the test that uses it as a test would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

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

/// The JSON pointers of a problem's field errors, in order.
pub fn pointers(problem: &serde_json::Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["pointer"].as_str())
                .collect()
        })
        .unwrap_or_default()
}
