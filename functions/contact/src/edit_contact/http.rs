use http_api::Invocation;
use http_api::{expected_version, json_object, path_id, validate, Fields, Patch, Problem};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};

use http_api::registry::{Access, Slice};

use super::{decide, EditContact};
use crate::contact::Contact;
use crate::representation::contact_response;

pub fn slice() -> Slice {
    Slice::new("edit-contact", Access::ReadAndAppend, handle)
        .route("PUT", "/api/contacts/{id}")
        .route("PATCH", "/api/contacts/{id}")
        .seals_personal_data()
}

/// PUT replaces the contact (name and email required, an absent phone is cleared); PATCH
/// changes only the fields present, and needs at least one.
pub fn parse(request: &Request) -> Result<EditContact, Problem> {
    let contact_id = path_id(request, "id")?;
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let replace = request.method() == Method::PUT;
    if let Some(body_id) = body.get("contactId").and_then(|v| v.as_str()) {
        if body_id != contact_id {
            fields.error("contactId", "must match the id in the path, or be left out");
        }
    }
    fields.string("contactId", |_| Ok(()));
    let (name, email, phone) = if replace {
        let name = fields.required_string("name", validate::text(200));
        let email = fields.required_string("email", validate::email);
        let phone = match fields.string("phone", validate::phone) {
            Patch::Absent => Patch::Null,
            other => other,
        };
        (name, email, phone)
    } else {
        let name = fields.string("name", validate::text(200));
        let email = fields.string("email", validate::email);
        let phone = fields.string("phone", validate::phone);
        for (field, value) in [("name", &name), ("email", &email)] {
            if *value == Patch::Null {
                fields.error(field, "cannot be removed");
            }
        }
        if [&name, &email, &phone].iter().all(|p| **p == Patch::Absent) && body.is_empty() {
            fields.error("", "a PATCH needs at least one of name, email, phone");
        }
        (name.into_option(), email.into_option(), phone)
    };
    fields.finish()?;
    Ok(EditContact {
        contact_id,
        name,
        email,
        phone,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let command = parse(&request)?;
    let expected = expected_version(&request)?;
    let id = command.contact_id.clone();
    let outcome = invocation
        .execute::<Contact, _>(&id, expected, |state| decide(state, command))
        .await?;
    contact_response(StatusCode::OK, outcome.state.active(&id)?, outcome.version)
}
