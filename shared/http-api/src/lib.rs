//! The HTTP layer of the slices: JSON bodies, field validation, problem+json and the one
//! mapping of errors to status codes, auth and scopes, idempotency keys, paged lists with
//! sealed cursors, the generic history slice, the registries every function and tool is
//! derived from, and the [`Invocation`] a handler is given.

pub mod auth;
pub mod history;
pub mod idempotency;
mod invocation;
pub mod list;
pub mod paging;
pub mod problem;
pub mod registry;
pub mod request;
pub mod response;
pub mod validate;

#[cfg(feature = "testing")]
pub mod testing;

pub use event_sourcing::Patch;
pub use invocation::Invocation;

pub use list::{list_page, list_response, view_as_stored};
pub use problem::{FieldError, Problem};
pub use request::{
    as_of, check_trace_hints, expected_version, json_object, json_object_or_empty, page_params,
    path_id, query_flag, trace_hints_of, Fields, MAX_BODY_BYTES,
};
pub use response::{etag, json_response, no_content, page_response, versioned_response};
