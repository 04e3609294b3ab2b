use contracts::sla_stream::{SlaPolicyRecord, POLICY_ID};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Problem};
use lambda_http::{Body, Request, Response};

use super::{decide, EditCase};
use crate::case::Priority;
use crate::representation::execute_on_case;

pub fn slice() -> Slice {
    Slice::new("edit-case", Access::ReadAndAppend, handle)
        .route("PATCH", "/api/cases/{id}")
        // A new priority takes its terms from the policy in force.
        .reads::<SlaPolicyRecord>()
}

/// `assigneeId: null` unassigns; nothing else clears.
pub fn parse(request: &Request, now: time::OffsetDateTime) -> Result<EditCase, Problem> {
    let case_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let description = fields.optional_string("description", validate::text(2000));
    let priority = fields
        .optional_choice("priority", Priority::NAMES)
        .and_then(|name| Priority::parse(name.trim()));
    let assignee_id = fields.string("assigneeId", validate::id);
    for (field, value) in &body {
        if value.is_null() && field != "assigneeId" {
            fields.error(field, "cannot be removed");
        }
    }
    if body.is_empty() {
        fields.error(
            "",
            "a PATCH needs at least one of description, priority, assigneeId",
        );
    }
    fields.finish()?;
    Ok(EditCase {
        case_id,
        description,
        priority,
        assignee_id,
        at: now,
        policy: Default::default(),
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let mut command = parse(&request, invocation.now)?;
    if command.priority.is_some() {
        command.policy = invocation.load::<SlaPolicyRecord>(POLICY_ID).await?.state.0;
    }
    let expected = expected_version(&request)?;
    let id = command.case_id.clone();
    execute_on_case(&invocation, &id, expected, |state| decide(state, command)).await
}
