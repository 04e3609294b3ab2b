use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, validate, view_as_stored, Problem};
use lambda_http::{Body, Request, RequestExt, Response};

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
        None => (Index::List, paging::list_partitions(LIST)),
    };
    list_response(&invocation, &request, index, &partitions, view_as_stored).await
}
