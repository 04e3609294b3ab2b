//! HTTP plumbing shared by every slice: JSON bodies, field validation, problem+json, and the one
//! mapping of errors to status codes.

pub mod list;
pub mod problem;
pub mod request;
pub mod response;
pub mod validate;

pub use list::{list_response, view_as_stored};
pub use problem::{FieldError, Problem};
pub use request::{
    as_of, check_trace_hints, expected_version, json_object, json_object_or_empty, page_params,
    path_id, query_flag, trace_hints_of, Fields, Patch, MAX_BODY_BYTES,
};
pub use response::{etag, json_response, no_content, page_response, versioned_response};
