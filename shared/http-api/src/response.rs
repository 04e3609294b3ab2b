use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;

use super::problem::Problem;

pub fn json_response(status: StatusCode, body: &impl Serialize) -> Result<Response<Body>, Problem> {
    let json = serde_json::to_string(body).map_err(|e| {
        tracing::error!(error = %e, "response could not be encoded");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the response could not be encoded",
        )
    })?;
    let mut response = Response::new(Body::Text(json));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// A resource as every single-resource route answers it: its fields, its `version`, and the
/// version as a strong `ETag`.
pub fn versioned_response(
    status: StatusCode,
    resource: &impl Serialize,
    version: u64,
) -> Result<Response<Body>, Problem> {
    #[derive(Serialize)]
    struct Versioned<'a, T> {
        #[serde(flatten)]
        resource: &'a T,
        version: u64,
    }
    let mut response = json_response(status, &Versioned { resource, version })?;
    response.headers_mut().insert(header::ETAG, etag(version));
    Ok(response)
}

/// The strong ETag of a version: `"<version>"`.
pub fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A page of a list: `{ "items": [...], "nextCursor": "..." | null }`.
pub fn page_response(
    items: Vec<serde_json::Value>,
    next_cursor: Option<String>,
) -> Result<Response<Body>, Problem> {
    json_response(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "nextCursor": next_cursor }),
    )
}

/// `204 No Content` with the new version's ETag (after a delete or an unlink).
pub fn no_content(version: u64) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}
