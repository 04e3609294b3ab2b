//! docs/openapi.yaml is kept true: every documented operation is called on the local stack,
//! every answer must be documented for its operation, and its body must match the schema.
//! The documented routes must also be exactly the routes the slices declare.

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use common::{call_raw, unique, Reply};
use serde_json::{json, Value};

struct Spec {
    doc: Value,
    covered: Mutex<BTreeSet<(String, String, u16)>>,
}

impl Spec {
    fn load() -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
        let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        Self {
            doc,
            covered: Mutex::default(),
        }
    }

    fn operations(&self) -> BTreeSet<(String, String)> {
        let mut operations = BTreeSet::new();
        for (path, item) in self.doc["paths"].as_object().unwrap() {
            for method in ["get", "put", "post", "patch", "delete"] {
                if item.get(method).is_some() {
                    operations.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        operations
    }

    /// The documented path an actual path falls under; literal segments win, as in routing.
    fn template(&self, path: &str) -> String {
        let actual: Vec<&str> = path
            .split('?')
            .next()
            .unwrap()
            .trim_matches('/')
            .split('/')
            .collect();
        self.doc["paths"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|t| {
                let pattern: Vec<&str> = t.trim_matches('/').split('/').collect();
                pattern.len() == actual.len()
                    && pattern
                        .iter()
                        .zip(&actual)
                        .all(|(p, a)| p.starts_with('{') || p == a)
            })
            .max_by_key(|t| t.split('/').filter(|s| !s.starts_with('{')).count())
            .unwrap_or_else(|| panic!("{path} is not documented"))
            .clone()
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.resolve(
                self.doc
                    .pointer(reference.trim_start_matches('#'))
                    .expect("ref"),
            ),
            None => value,
        }
    }

    /// Calls the stack and checks the answer against the document.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let api_path = format!("/api{path}");
        let reply = call_raw(method, path, body, headers);
        let template = self.template(&api_path);
        let operation = &self.doc["paths"][&template][method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {template} is not documented"
        );
        let status = reply.status.to_string();
        let response = self.resolve(operation["responses"].get(&status).unwrap_or_else(|| {
            panic!(
                "{method} {template} answered an undocumented {status}: {}",
                reply.raw
            )
        }));
        match response.get("content").and_then(Value::as_object) {
            None => assert!(
                reply.raw.is_empty(),
                "{method} {template} {status} should have no body"
            ),
            Some(content) => {
                let media = reply.content_type.split(';').next().unwrap().trim();
                let schema = &content.get(media).unwrap_or_else(|| {
                    panic!("{method} {template} {status} answered undocumented {media}")
                })["schema"];
                let root = json!({ "$ref": schema["$ref"], "components": self.doc["components"] });
                let validator = jsonschema::options()
                    .should_validate_formats(true)
                    .build(&root)
                    .expect("schema compiles");
                let errors: Vec<String> = validator
                    .iter_errors(&reply.body)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{method} {template} {status} does not match its schema: {errors:?}\n{}",
                    reply.raw
                );
            }
        }
        self.covered
            .lock()
            .unwrap()
            .insert((method.to_owned(), template, reply.status));
        reply
    }

    fn json(&self, method: &str, path: &str, body: Value) -> Reply {
        self.call(
            method,
            path,
            Some(("application/json", body.to_string())),
            &[],
        )
    }

    fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None, &[])
    }
}

fn expect(reply: Reply, status: u16) -> Reply {
    assert_eq!(reply.status, status, "{}", reply.raw);
    reply
}

#[test]
fn every_documented_operation_answers_as_documented() {
    let spec = Spec::load();
    let (client, contact, case) = (unique("k"), unique("c"), unique("s"));

    // Clients.
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
            "/clients",
            json!({ "clientId": client, "name": "Acme" }),
        ),
        409,
    );
    expect(spec.json("POST", "/clients", json!({ "name": 3 })), 400);
    expect(spec.get(&format!("/clients/{client}")), 200);
    expect(spec.get(&format!("/clients/{}", unique("none"))), 404);
    expect(spec.get("/clients/bad~id"), 400);
    expect(
        spec.json(
            "PUT",
            &format!("/clients/{client}"),
            json!({ "name": "Acme Ltd", "industry": "Retail" }),
        ),
        200,
    );
    expect(
        spec.json(
            "PATCH",
            &format!("/clients/{client}"),
            json!({ "industry": null }),
        ),
        200,
    );
    expect(
        spec.call(
            "PATCH",
            &format!("/clients/{client}"),
            Some(("application/json", r#"{"name":"X"}"#.into())),
            &[("if-match", "\"1\"")],
        ),
        412,
    );
    expect(
        spec.json(
            "PUT",
            &format!("/clients/{}", unique("none")),
            json!({ "name": "X" }),
        ),
        404,
    );

    // Contacts.
    expect(spec.json("POST", "/contacts", json!({ "contactId": contact, "name": "Ada", "email": format!("{contact}@example.com"), "phone": "+44 20 7946 0000" })), 201);
    expect(
        spec.json(
            "POST",
            "/contacts",
            json!({ "contactId": contact, "name": "Ada", "email": "a@example.com" }),
        ),
        409,
    );
    expect(
        spec.json("POST", "/contacts", json!({ "name": "", "email": "nope" })),
        400,
    );
    expect(
        spec.call(
            "POST",
            "/contacts",
            Some(("text/plain", "hello".into())),
            &[],
        ),
        415,
    );
    expect(
        spec.json(
            "POST",
            "/contacts",
            json!({ "name": "A", "email": "a@example.com", "phone": "1".repeat(70_000) }),
        ),
        413,
    );
    expect(spec.get(&format!("/contacts/{contact}")), 200);
    expect(spec.get("/contacts/bad~id"), 400);
    expect(
        spec.json(
            "PUT",
            &format!("/contacts/{contact}"),
            json!({ "name": "Ada L", "email": format!("{contact}@example.com") }),
        ),
        200,
    );
    expect(
        spec.json(
            "PATCH",
            &format!("/contacts/{contact}"),
            json!({ "phone": "12345" }),
        ),
        200,
    );
    expect(
        spec.call(
            "PATCH",
            &format!("/contacts/{contact}"),
            Some(("application/json", r#"{"name":"X"}"#.into())),
            &[("if-match", "\"1\"")],
        ),
        412,
    );
    expect(
        spec.json("PATCH", &format!("/contacts/{contact}"), json!({})),
        400,
    );

    // Links.
    expect(
        spec.json(
            "POST",
            &format!("/clients/{client}/contacts"),
            json!({ "contactId": contact }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            &format!("/clients/{client}/contacts"),
            json!({ "contactId": contact }),
        ),
        409,
    );
    expect(
        spec.json(
            "POST",
            &format!("/clients/{client}/contacts"),
            json!({ "contactId": unique("ghost") }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            &format!("/clients/{}/contacts", unique("none")),
            json!({ "contactId": contact }),
        ),
        404,
    );
    expect(
        spec.json("POST", &format!("/clients/{client}/contacts"), json!({})),
        400,
    );
    expect(
        spec.call("DELETE", &format!("/contacts/{contact}"), None, &[]),
        409,
    );

    // Cases.
    expect(spec.json("POST", "/cases", json!({ "caseId": case, "clientId": client, "description": "Printer on fire", "openedAt": "2026-01-01T09:00:00Z" })), 201);
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "caseId": case, "clientId": client, "description": "again" }),
        ),
        409,
    );
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "clientId": unique("ghost"), "description": "x" }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            "/cases",
            json!({ "caseId": "open", "clientId": client, "description": "x" }),
        ),
        400,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{case}/interactions"),
            json!({ "description": "Called", "type": "call", "contactId": contact }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{case}/interactions"),
            json!({ "description": "Early", "interactionDate": "2025-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{case}/interactions"),
            json!({ "type": "fax" }),
        ),
        400,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{}/interactions", unique("none")),
            json!({ "description": "x" }),
        ),
        404,
    );
    expect(spec.get(&format!("/cases/{case}")), 200);
    expect(spec.get(&format!("/cases/{}", unique("none"))), 404);

    // Read models, once the stream consumer has caught up.
    let start = std::time::Instant::now();
    while !spec
        .get(&format!("/cases/open?clientId={client}"))
        .raw
        .contains(&case)
    {
        assert!(
            start.elapsed().as_secs() < 20,
            "the open case never reached the read model"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    expect(spec.get("/cases/open?limit=2"), 200);
    expect(spec.get("/cases/open?limit=0"), 400);
    expect(
        spec.get(&format!("/contacts?email={contact}@EXAMPLE.com")),
        200,
    );
    expect(spec.get("/contacts?limit=2"), 200);
    expect(spec.get("/contacts?cursor=garbage"), 400);
    expect(spec.get("/clients?limit=3"), 200);
    expect(spec.get("/clients?limit=1000"), 400);

    // Closing, unlinking, deleting.
    expect(
        spec.json(
            "POST",
            &format!("/cases/{case}/close"),
            json!({ "closedAt": "2025-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{case}/close"),
            json!({ "resolution": "Fixed" }),
        ),
        200,
    );
    expect(
        spec.call("POST", &format!("/cases/{case}/close"), None, &[]),
        409,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{}/close", unique("none")),
            json!({}),
        ),
        404,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("/clients/{client}/contacts/{contact}"),
            None,
            &[("if-match", "\"1\"")],
        ),
        412,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("/clients/{client}/contacts/{contact}"),
            None,
            &[],
        ),
        204,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("/clients/{client}/contacts/{contact}"),
            None,
            &[],
        ),
        404,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("/contacts/{contact}"),
            None,
            &[("if-match", "\"1\"")],
        ),
        412,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("/contacts/{contact}?cascade=maybe"),
            None,
            &[],
        ),
        400,
    );
    expect(
        spec.call("DELETE", &format!("/contacts/{contact}"), None, &[]),
        204,
    );
    expect(
        spec.call("DELETE", &format!("/contacts/{contact}"), None, &[]),
        404,
    );
    expect(spec.get(&format!("/contacts/{contact}")), 404);

    let covered: BTreeSet<(String, String)> = spec
        .covered
        .lock()
        .unwrap()
        .iter()
        .map(|(m, p, _)| (m.clone(), p.clone()))
        .collect();
    let missing: Vec<_> = spec.operations().difference(&covered).cloned().collect();
    assert!(
        missing.is_empty(),
        "documented but never exercised: {missing:?}"
    );
}

#[test]
fn the_document_names_exactly_the_declared_routes() {
    let spec = Spec::load();
    let declared: BTreeSet<(String, String)> =
        [contact::routes(), client::routes(), case::routes()]
            .concat()
            .into_iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
    assert_eq!(spec.operations(), declared);
}
