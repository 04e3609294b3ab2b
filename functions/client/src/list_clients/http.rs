use event_sourcing::projection::Index;
use http_api::paging;
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{list_response, Problem};
use lambda_http::{Body, Request, Response};

use contracts::client_summary::{OPEN_CASE_COUNT, OPEN_OPPORTUNITY_COUNT};

use super::{ClientSummary, LIST};

pub fn slice() -> Slice {
    Slice::new("list-clients", Access::ReadModels, handle)
        .route("GET", "/api/clients")
        .view::<ClientSummary>()
}

/// Each summary with the counts other read models keep on it: open cases (list-open-cases)
/// and open opportunities (the opportunity crate's list by client).
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let partitions = paging::list_partitions(LIST);
    list_response(&invocation, &request, Index::List, &partitions, |stored| {
        let mut view = stored.view?;
        let fields = view.as_object_mut()?;
        for counter in [OPEN_CASE_COUNT, OPEN_OPPORTUNITY_COUNT] {
            let count = stored.counters.get(counter).copied().unwrap_or(0).max(0);
            fields.insert(counter.to_owned(), count.into());
        }
        Some(view)
    })
    .await
}
