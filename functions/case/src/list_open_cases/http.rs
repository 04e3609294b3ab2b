use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, validate, view_as_stored, Problem};
use lambda_http::{Body, Request, RequestExt, Response};

use super::{assignee_partition, client_partition, AssigneeQueue, CaseSummary, LIST};

pub fn slice() -> Slice {
    Slice::new("list-open-cases", Access::ReadModels, handle)
        .route("GET", "/api/cases/open")
        .view::<CaseSummary>()
        .view::<AssigneeQueue>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let query = request.query_string_parameters();
    let id = |name: &str| -> Result<Option<String>, Problem> {
        query
            .first(name)
            .map(|id| {
                validate::id(id)
                    .map(|()| id.to_owned())
                    .map_err(|m| Problem::bad_request(format!("{name} {m}")))
            })
            .transpose()
    };
    let (index, partitions) = match (id("clientId")?, id("assigneeId")?) {
        (Some(client), None) => (Index::Lookup, vec![client_partition(&client)]),
        (None, Some(assignee)) => (Index::Lookup, vec![assignee_partition(&assignee)]),
        (None, None) => (Index::List, paging::list_partitions(LIST)),
        (Some(_), Some(_)) => {
            return Err(Problem::bad_request(
                "give clientId or assigneeId, not both",
            ))
        }
    };
    list_response(&invocation, &request, index, &partitions, view_as_stored).await
}
