use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, ReopenTask};
use crate::representation::execute_on_task;

pub fn slice() -> Slice {
    Slice::new("reopen-task", Access::ReadAndAppend, handle).route("POST", "/api/tasks/{id}/reopen")
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let task_id = path_id(&request, "id")?;
    // No fields: anything sent is an unknown field, said so.
    Fields::new(&json_object_or_empty(&request)?).finish()?;
    let expected = expected_version(&request)?;
    let command = ReopenTask {
        task_id: task_id.clone(),
        at: invocation.now,
    };
    execute_on_task(&invocation, &task_id, expected, |state| {
        decide(state, command)
    })
    .await
}
