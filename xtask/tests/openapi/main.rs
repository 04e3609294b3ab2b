//! docs/openapi.yaml is kept true, one resource at a time: every documented operation is called
//! on the local stack, and every answer must be documented and match its schema.

#[path = "../common/mod.rs"]
mod common;
mod spec;

mod cases;
mod clients;
mod contacts;

use serde_json::json;
use spec::{expect, Spec};

/// A client and a contact of their own, for tests of what refers to them.
fn client_and_contact(spec: &Spec) -> (String, String) {
    let (client, contact) = (common::unique("k"), common::unique("c"));
    expect(
        spec.json(
            "POST",
            "/clients",
            json!({ "clientId": client, "name": "Acme", "industry": "Retail" }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            "/contacts",
            json!({ "contactId": contact, "name": "Ada", "email": format!("{contact}@example.com") }),
        ),
        201,
    );
    (client, contact)
}
