//! docs/openapi.yaml is kept true, one resource at a time: every documented operation is called
//! on the local stack, and every answer must be documented and match its schema.

#[path = "../common/mod.rs"]
mod common;
mod spec;

mod cases;
mod clients;
mod contacts;
mod opportunities;
mod pipelines;
mod sla;
mod tasks;

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

/// A record's past, as documented: its history (both orders, paged by cursor) and reads at a
/// version or an instant. `record` is its path below the base URL (`/contacts/<id>`), with at
/// least two versions; `none` a record of the same kind that does not exist.
fn the_past_reads_as_documented(spec: &Spec, record: &str, none: &str) {
    let history = format!("{record}/history");
    let all = expect(spec.get(&history), 200).body["items"]
        .as_array()
        .cloned()
        .unwrap();
    assert!(all.len() >= 2, "{history}: {all:?}");
    let versions: Vec<u64> = all.iter().map(|e| e["version"].as_u64().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "oldest first");
    let first = expect(spec.get(&format!("{history}?order=desc&limit=1")), 200);
    assert_eq!(first.body["items"][0]["version"], *versions.last().unwrap());
    let cursor = first.body["nextCursor"].as_str().unwrap().to_owned();
    let second = expect(
        spec.get(&format!("{history}?order=desc&limit=1&cursor={cursor}")),
        200,
    );
    assert_eq!(
        second.body["items"][0]["version"],
        versions[versions.len() - 2]
    );
    expect(spec.get(&format!("{history}?order=sideways")), 400);
    expect(spec.get(&format!("{history}?cursor={cursor}")), 400);
    expect(spec.get(&format!("{none}/history")), 404);
    let at_one = expect(spec.get(&format!("{record}?version=1")), 200);
    assert_eq!(at_one.etag.as_deref(), Some("\"1\""));
    expect(spec.get(&format!("{record}?version=999999")), 400);
    expect(spec.get(&format!("{record}?asOf=yesterday")), 400);
    expect(
        spec.get(&format!("{record}?asOf=2001-01-01T00:00:00Z")),
        404,
    );
}

/// A record's tasks, as documented: `record` is its path below the base URL.
fn record_tasks_read_as_documented(spec: &Spec, record: &str) {
    expect(spec.get(&format!("{record}/tasks")), 200);
    expect(spec.get(&format!("{record}/tasks?status=all&limit=5")), 200);
    expect(spec.get(&format!("{record}/tasks?status=maybe")), 400);
}
