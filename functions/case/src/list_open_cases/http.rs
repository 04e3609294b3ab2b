use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, validate, view_as_stored, Problem};
use lambda_http::{Body, Request, RequestExt, Response};

use super::{client_partition, CaseSummary, LIST};

pub fn slice() -> Slice {
    Slice::new("list-open-cases", Access::ReadModels, handle)
        .route("GET", "/api/cases/open")
        .view::<CaseSummary>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let client_id = request
        .query_string_parameters()
        .first("clientId")
        .map(str::to_owned);
    let (index, partitions) = match client_id {
        Some(id) => {
            validate::id(&id).map_err(|m| Problem::bad_request(format!("clientId {m}")))?;
            (Index::Lookup, vec![client_partition(&id)])
        }
        None => (Index::List, paging::list_partitions(LIST)),
    };
    list_response(&invocation, &request, index, &partitions, view_as_stored).await
}
