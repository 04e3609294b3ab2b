use lambda_http::{Body, Request, RequestExt, Response};
use shared::aggregate::Invocation;
use shared::http::{list_response, validate, view_as_stored, Problem};
use shared::projection::{query, Index};
use shared::registry::{Access, Slice};

use super::{email_key, ContactSummary, LIST};

pub fn slice() -> Slice {
    Slice::new("list-contacts", Access::ReadModels, handle)
        .route("GET", "/api/contacts")
        .view::<ContactSummary>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let email = request
        .query_string_parameters()
        .first("email")
        .map(str::to_owned);
    let (index, partitions) = match email {
        Some(email) => {
            validate::email(&email).map_err(|m| Problem::bad_request(format!("email {m}")))?;
            (Index::Lookup, vec![email_key(&email)])
        }
        None => (Index::List, query::list_partitions(LIST)),
    };
    list_response(&invocation, &request, index, &partitions, view_as_stored).await
}
