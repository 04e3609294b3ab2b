use lambda_http::{Body, Request, RequestExt, Response};
use shared::aggregate::Invocation;
use shared::http::{list_response, validate, view_as_stored, Problem};
use shared::projection::{query, Index};

use super::{client_partition, LIST};

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
