//! The document, and calls checked against it: every answer must be documented for its
//! operation, and its body must match the schema.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde_json::{json, Value};

pub use crate::common::expect;
use crate::common::{call_raw, Reply};

pub struct Spec {
    doc: Value,
    covered: Mutex<BTreeSet<(String, String, u16)>>,
}

impl Spec {
    pub fn load() -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
        let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        Self {
            doc,
            covered: Mutex::default(),
        }
    }

    pub fn operations(&self) -> BTreeSet<(String, String)> {
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
    pub fn call(
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

    pub fn json(&self, method: &str, path: &str, body: Value) -> Reply {
        self.call(
            method,
            path,
            Some(("application/json", body.to_string())),
            &[],
        )
    }

    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None, &[])
    }
}

/// Asserts every documented operation under `prefix` (`/api/contacts`) was called.
impl Spec {
    pub fn assert_covered(&self, prefix: &str) {
        let covered: BTreeSet<(String, String)> = self
            .covered
            .lock()
            .unwrap()
            .iter()
            .map(|(m, p, _)| (m.clone(), p.clone()))
            .collect();
        let missing: Vec<_> = self
            .operations()
            .into_iter()
            .filter(|(_, path)| path.starts_with(prefix))
            .filter(|operation| !covered.contains(operation))
            .collect();
        assert!(
            missing.is_empty(),
            "documented but never exercised: {missing:?}"
        );
    }

    /// Polls a read model until `path`'s answer contains `needle`.
    pub fn eventually(&self, path: &str, needle: &str) {
        let start = std::time::Instant::now();
        while !self.get(path).raw.contains(needle) {
            assert!(
                start.elapsed().as_secs() < 20,
                "{needle} never reached the read model behind {path}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}
