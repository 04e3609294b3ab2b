use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, view_as_stored, Problem};
use lambda_http::{Body, Request, Response};

use super::{PipelineListing, LIST};

pub fn slice() -> Slice {
    Slice::new("list-pipelines", Access::ReadModels, handle)
        .route("GET", "/api/pipelines")
        .view::<PipelineListing>()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let partitions = paging::list_partitions(LIST);
    list_response(
        &invocation,
        &request,
        Index::List,
        &partitions,
        view_as_stored,
    )
    .await
}
