//! The query routes (list-contacts, list-clients, open-cases) through the test router, with
//! the consumer fed every stored event as the stream would deliver them.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http_api::testing::{assert_problem, body_json};
use lambda_host::testing::TestApi;
use serde_json::{json, Value};
use support::{insert_record, stream_event};

struct Stack {
    api: TestApi,
}

impl Stack {
    fn new() -> Self {
        Self {
            api: TestApi::in_memory(stream_consumer::registries()),
        }
    }

    /// Delivers the whole event store to the consumer (already applied events are no-ops).
    async fn project(&self) {
        let consumer =
            stream_consumer::consumer(self.api.views.clone(), self.api.app.store.clone());
        let records = self
            .api
            .store
            .all_events()
            .iter()
            .enumerate()
            .map(|(i, e)| insert_record(e, i as u64))
            .collect();
        assert!(stream_consumer::handle(&consumer, stream_event(records))
            .await
            .batch_item_failures
            .is_empty());
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.api.call("GET", path, None).await;
        assert_eq!(response.status(), 200, "{path}: {:?}", response.body());
        body_json(&response)
    }

    async fn post(&self, path: &str, body: Value) {
        let response = self.api.call("POST", path, Some(body)).await;
        assert!(
            response.status().is_success(),
            "{path}: {:?}",
            response.body()
        );
    }
}

fn ids(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn contacts_are_listed_by_name_and_found_by_email() {
    let stack = Stack::new();
    for (id, name) in [("c1", "Zoe"), ("c2", "adam"), ("c3", "Maya")] {
        stack
            .post(
                "/api/contacts",
                json!({ "contactId": id, "name": name, "email": format!("{name}@Example.com") }),
            )
            .await;
    }
    stack.project().await;
    assert_eq!(
        ids(&stack.get("/api/contacts").await, "contactId"),
        ["c2", "c3", "c1"]
    );
    let found = stack.get("/api/contacts?email=ZOE@example.COM").await;
    assert_eq!(ids(&found, "contactId"), ["c1"]);
    assert_eq!(
        stack.get("/api/contacts?email=nobody@example.com").await["items"],
        json!([])
    );
    assert_problem(
        &stack
            .api
            .call("GET", "/api/contacts?email=not-an-email", None)
            .await,
        400,
    );

    // Deleted contacts leave the list and the lookup.
    assert_eq!(
        stack
            .api
            .call("DELETE", "/api/contacts/c1", None)
            .await
            .status(),
        204
    );
    stack.project().await;
    assert_eq!(
        ids(&stack.get("/api/contacts").await, "contactId"),
        ["c2", "c3"]
    );
    assert_eq!(
        stack.get("/api/contacts?email=zoe@example.com").await["items"],
        json!([])
    );
}

#[tokio::test]
async fn pages_follow_the_cursor_to_the_end() {
    let stack = Stack::new();
    for i in 0..7 {
        stack.post("/api/contacts", json!({ "contactId": format!("c{i}"), "name": format!("P{i}"), "email": "p@example.com" })).await;
    }
    stack.project().await;
    let first = stack.get("/api/contacts?limit=3").await;
    assert_eq!(ids(&first, "contactId"), ["c0", "c1", "c2"]);
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = stack
        .get(&format!("/api/contacts?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(ids(&second, "contactId"), ["c3", "c4", "c5"]);
    let third = stack
        .get(&format!(
            "/api/contacts?limit=3&cursor={}",
            second["nextCursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&third, "contactId"), ["c6"]);
    assert_eq!(third["nextCursor"], Value::Null);
    for bad in ["limit=0", "limit=101", "limit=ten", "cursor=bm9wZQ"] {
        assert_problem(
            &stack
                .api
                .call("GET", &format!("/api/contacts?{bad}"), None)
                .await,
            400,
        );
    }
    // A cursor of one list is refused by another.
    assert_problem(
        &stack
            .api
            .call("GET", &format!("/api/clients?cursor={cursor}"), None)
            .await,
        400,
    );
    // Sealed: no name, email or key is readable in it, and any edit or foreign key is refused.
    let bytes = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    // (Strings of five or more characters: a short one turns up in random bytes by chance.)
    for readable in ["p2#c2", "contacts#", "bylist", "bound", "after"] {
        assert!(
            !text.contains(readable),
            "{readable} readable in the cursor"
        );
    }
    for position in [0, 12, bytes.len() - 1] {
        let mut edited = bytes.clone();
        edited[position] ^= 1;
        let edited = URL_SAFE_NO_PAD.encode(edited);
        assert_problem(
            &stack
                .api
                .call(
                    "GET",
                    &format!("/api/contacts?limit=3&cursor={edited}"),
                    None,
                )
                .await,
            400,
        );
    }
    let elsewhere = Stack::new();
    assert_problem(
        &elsewhere
            .api
            .call(
                "GET",
                &format!("/api/contacts?limit=3&cursor={cursor}"),
                None,
            )
            .await,
        400,
    );
}

#[tokio::test]
async fn clients_show_contact_and_open_case_counts_and_open_cases_list_by_client() {
    let stack = Stack::new();
    stack
        .post(
            "/api/clients",
            json!({ "clientId": "k1", "name": "Acme", "industry": "Retail" }),
        )
        .await;
    stack
        .post("/api/clients", json!({ "clientId": "k2", "name": "Bolt" }))
        .await;
    stack
        .post(
            "/api/contacts",
            json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" }),
        )
        .await;
    stack
        .post("/api/clients/k1/contacts", json!({ "contactId": "c1" }))
        .await;
    for (case, client, day) in [("s1", "k1", "03"), ("s2", "k1", "01"), ("s3", "k2", "02")] {
        stack.post("/api/cases", json!({ "caseId": case, "clientId": client, "description": "x", "openedAt": format!("2026-01-{day}T09:00:00Z") })).await;
    }
    stack.post("/api/cases/s1/close", json!({})).await;
    // Two opportunities for Acme, one of them won: one stays open.
    stack
        .post("/api/pipelines", pipeline::fixtures::sales_body())
        .await;
    for opportunity in ["o1", "o2"] {
        stack.post("/api/opportunities", json!({ "opportunityId": opportunity, "name": "Deal", "clientId": "k1", "pipelineId": "p1", "amount": "10", "currency": "EUR", "closeDate": "2027-01-31", "ownerId": "u1" })).await;
    }
    stack.post("/api/opportunities/o2/won", json!({})).await;
    stack.project().await;

    let clients = stack.get("/api/clients").await;
    assert_eq!(
        clients["items"],
        json!([
            { "clientId": "k1", "name": "Acme", "industry": "Retail", "contactCount": 1, "openCaseCount": 1, "openOpportunityCount": 1 },
            { "clientId": "k2", "name": "Bolt", "industry": null, "contactCount": 0, "openCaseCount": 1, "openOpportunityCount": 0 },
        ])
    );
    assert_eq!(
        ids(&stack.get("/api/cases/open?clientId=k1").await, "caseId"),
        ["s2"]
    );
    assert_eq!(
        ids(&stack.get("/api/cases/open").await, "caseId"),
        ["s2", "s3"],
        "all open cases, oldest first"
    );
    assert_eq!(
        stack.get("/api/cases/open?clientId=nobody").await["items"],
        json!([])
    );
    assert_problem(
        &stack
            .api
            .call("GET", "/api/cases/open?clientId=bad%23id", None)
            .await,
        400,
    );
}
