use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, Problem};
use lambda_http::{Body, Request, Response};

use contracts::client_summary::OPEN_CASE_COUNT;

use super::{ClientSummary, LIST};

pub fn slice() -> Slice {
    Slice::new("list-clients", Access::ReadModels, handle)
        .route("GET", "/api/clients")
        .view::<ClientSummary>()
}

/// Each summary with the open-case count the list-open-cases projection keeps on it.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let partitions = paging::list_partitions(LIST);
    list_response(&invocation, &request, Index::List, &partitions, |stored| {
        let mut view = stored.view?;
        let open_cases = stored
            .counters
            .get(OPEN_CASE_COUNT)
            .copied()
            .unwrap_or(0)
            .max(0);
        if let Some(fields) = view.as_object_mut() {
            fields.insert(OPEN_CASE_COUNT.to_owned(), open_cases.into());
        }
        Some(view)
    })
    .await
}
