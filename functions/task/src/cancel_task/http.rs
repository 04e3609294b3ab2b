use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object_or_empty, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, CancelTask};
use crate::representation::execute_on_task;

pub fn slice() -> Slice {
    Slice::new("cancel-task", Access::ReadAndAppend, handle)
        .route("POST", "/api/tasks/{id}/cancel")
        .seals_personal_data()
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let task_id = path_id(&request, "id")?;
    let body = json_object_or_empty(&request)?;
    let mut fields = Fields::new(&body);
    let reason = fields.optional_string("reason", validate::text(1000));
    fields.finish()?;
    let expected = expected_version(&request)?;
    let command = CancelTask {
        task_id: task_id.clone(),
        reason,
        cancelled_at: invocation.now,
    };
    execute_on_task(&invocation, &task_id, expected, |state| {
        decide(state, command)
    })
    .await
}
