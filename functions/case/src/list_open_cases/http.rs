use lambda_http::{Body, Request, RequestExt, Response};
use shared::aggregate::Invocation;
use shared::http::{list_response, validate, view_as_stored, Problem};
use shared::projection::{query, Index};
use shared::registry::{Access, Slice};

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
        None => (Index::List, query::list_partitions(LIST)),
    };
    list_response(&invocation, &request, index, &partitions, view_as_stored).await
}
