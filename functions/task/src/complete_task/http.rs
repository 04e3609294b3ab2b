use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, CompleteTask};
use crate::representation::execute_on_task;

pub fn slice() -> Slice {
    Slice::new("complete-task", Access::ReadAndAppend, handle)
        .route("POST", "/api/tasks/{id}/complete")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let task_id = path_id(&request, "id")?;
    let body = json_object_or_empty(&request)?;
    let mut fields = Fields::new(&body);
    let completed_at = fields.optional_timestamp("completedAt");
    fields.finish()?;
    let expected = expected_version(&request)?;
    let command = CompleteTask {
        task_id: task_id.clone(),
        completed_at: completed_at.unwrap_or(invocation.now),
    };
    execute_on_task(&invocation, &task_id, expected, |state| {
        decide(state, command)
    })
    .await
}
