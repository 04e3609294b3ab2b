//! Tasks against DynamoDB (moto), their read models built by the stream consumer's engine: a
//! task moves through every list as it is rescheduled into the past, reassigned, completed,
//! reopened and cancelled, in both write modes; an overdue walk pages through what was due
//! when it began.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use dynamodb_adapters::testing::{
    fresh_dynamo_projection_store, fresh_dynamo_store, RequestCounter,
};
use event_sourcing::WriteMode;
use http_api::testing::body_json;
use lambda_host::testing::WithReadModels;
use serde_json::{json, Value};

struct Lists {
    harness: WithReadModels,
    /// The read models' requests, and the event store's.
    views: RequestCounter,
    events: RequestCounter,
}

impl Lists {
    async fn new(mode: WriteMode) -> Self {
        let (store, events) = fresh_dynamo_store().await;
        let counter = RequestCounter::default();
        let views = Arc::new(fresh_dynamo_projection_store(&counter).await);
        let harness = WithReadModels::new(
            || vec![contact::registry(), client::registry(), task::registry()],
            Arc::new(store),
            views,
            mode,
        );
        let api = &harness.api;
        api.call_expecting(
            201,
            "POST",
            "/api/clients",
            Some(client::fixtures::acme_body()),
        )
        .await;
        api.call_expecting(
            201,
            "POST",
            "/api/contacts",
            Some(contact::fixtures::ada_body()),
        )
        .await;
        Self {
            harness,
            views: counter,
            events,
        }
    }

    async fn create(&mut self, id: &str, assignee: &str, due: &str) {
        let targets = json!([{ "type": "client", "id": "k1" }, { "type": "contact", "id": "c1" }]);
        self.create_for(id, assignee, due, targets).await;
    }

    async fn create_for(&mut self, id: &str, assignee: &str, due: &str, targets: Value) {
        let body = json!({ "taskId": id, "title": format!("Call Ada about {id}"),
            "dueAt": due, "assigneeId": assignee, "targets": targets });
        self.harness
            .api
            .call_expecting(201, "POST", "/api/tasks", Some(body))
            .await;
        self.harness.track("task", id);
    }

    async fn project(&self) {
        self.harness.project().await;
    }

    /// The ids a list answers, every page walked `limit` at a time.
    async fn ids(&self, path: &str, limit: usize) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page_path = match &cursor {
                Some(cursor) => format!("{path}{sep}limit={limit}&cursor={cursor}"),
                None => format!("{path}{sep}limit={limit}"),
            };
            let page = body_json(
                &self
                    .harness
                    .api
                    .call_expecting(200, "GET", &page_path, None)
                    .await,
            );
            for item in page["items"].as_array().unwrap() {
                assert!(
                    item["title"].as_str().unwrap().starts_with("Call Ada"),
                    "{path}: the person's text, read from the task's stream: {item}"
                );
                ids.push(item["taskId"].as_str().unwrap().to_owned());
            }
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return ids,
            }
        }
    }

    async fn act(&self, method: &str, path: &str, body: Value) {
        self.harness
            .api
            .call_expecting(200, method, path, Some(body))
            .await;
        self.project().await;
    }
}

/// Every list a task can be in, and whether `t1` is in it after each step.
const LISTS: [&str; 12] = [
    "/api/tasks?assigneeId=u1",
    "/api/tasks?assigneeId=u2",
    "/api/tasks?assigneeId=u2&status=completed",
    "/api/tasks?assigneeId=u2&status=cancelled",
    "/api/tasks?assigneeId=u2&status=all",
    "/api/tasks?assigneeId=u2&dueBefore=2002-01-01T00:00:00Z",
    "/api/tasks/overdue",
    "/api/tasks/overdue?assigneeId=u2",
    "/api/clients/k1/tasks",
    "/api/contacts/c1/tasks",
    "/api/contacts/c1/tasks?status=completed",
    "/api/clients/k1/tasks?status=all",
];

async fn membership(lists: &Lists) -> [bool; 12] {
    let mut found = [false; 12];
    for (i, list) in LISTS.iter().enumerate() {
        found[i] = lists.ids(list, 20).await.contains(&"t1".to_owned());
    }
    found
}

#[tokio::test]
async fn a_task_moves_through_every_list_as_it_changes() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let mut lists = Lists::new(mode).await;
        lists.create("t1", "u1", "2099-01-01T09:00:00Z").await;
        lists.project().await;
        let steps: [(&str, &str, Value, [u8; 12]); 6] = [
            (
                "PATCH",
                "",
                json!({ "dueAt": "2001-06-01T09:00:00Z" }),
                [1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1],
            ),
            (
                "PATCH",
                "",
                json!({ "assigneeId": "u2" }),
                [0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1],
            ),
            (
                "POST",
                "/complete",
                json!({}),
                [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1],
            ),
            (
                "POST",
                "/reopen",
                json!({}),
                [0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1],
            ),
            (
                "POST",
                "/cancel",
                json!({ "reason": "Ada wrote" }),
                [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1],
            ),
            (
                "PATCH",
                "",
                json!({ "title": "Too late" }),
                [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1],
            ),
        ];
        let created = membership(&lists).await;
        assert_eq!(
            created,
            [true, false, false, false, false, false, false, false, true, true, false, true],
            "{mode:?}: created, due in the future"
        );
        for (method, action, body, expected) in steps {
            if method == "PATCH" && body.get("title").is_some() {
                // A cancelled task takes no edit, and stays where it is.
                lists
                    .harness
                    .api
                    .call_expecting(409, method, "/api/tasks/t1", Some(body.clone()))
                    .await;
            } else {
                lists
                    .act(method, &format!("/api/tasks/t1{action}"), body.clone())
                    .await;
            }
            let expected = expected.map(|bit| bit == 1);
            let found = membership(&lists).await;
            let differing: Vec<&str> = LISTS
                .iter()
                .zip(found.iter().zip(expected))
                .filter(|(_, (found, expected))| **found != *expected)
                .map(|(list, _)| *list)
                .collect();
            assert!(
                differing.is_empty(),
                "{mode:?}: after {method} {action} {body}, t1 is wrongly in or out of {differing:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_overdue_walk_pages_through_what_was_due_when_it_began_by_due_time() {
    let mut lists = Lists::new(WriteMode::Direct).await;
    for (id, due) in [
        ("t3", "2001-03-01T09:00:00Z"),
        ("t1", "2001-01-01T09:00:00Z"),
        ("t2", "2001-02-01T09:00:00+01:00"),
        ("t9", "2099-01-01T09:00:00Z"),
    ] {
        lists.create(id, "u1", due).await;
    }
    lists.project().await;
    assert_eq!(
        lists.ids("/api/tasks/overdue?assigneeId=u1", 1).await,
        ["t1", "t2", "t3"],
        "one a page, most overdue first, the not yet due left out"
    );
    assert_eq!(lists.ids("/api/tasks/overdue", 2).await, ["t1", "t2", "t3"]);
    assert_eq!(
        lists
            .ids("/api/tasks?assigneeId=u1&dueBefore=2001-02-01T08:00:00Z", 1)
            .await,
        ["t1"],
        "strictly before: t2 is due at that instant"
    );
    assert_eq!(
        lists.ids("/api/tasks?assigneeId=u1", 3).await,
        ["t1", "t2", "t3", "t9"]
    );
}

fn sizes() -> Vec<usize> {
    std::env::var("TASK_SIZES")
        .unwrap_or_else(|_| "10,40".into())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("TASK_SIZES: numbers, comma-separated")
        })
        .collect()
}

/// The requests (read models', then event store's) and read capacity of one page.
async fn cost(lists: &Lists, path: &str) -> (Vec<String>, Vec<String>, usize) {
    let (views, read_units) = lists
        .views
        .read_cost(|| async {
            lists.events.reset();
            let page = lists
                .harness
                .api
                .call_expecting(200, "GET", path, None)
                .await;
            let items = body_json(&page)["items"].as_array().unwrap().len();
            assert_eq!(items, 3, "{path}: a full page");
        })
        .await;
    (views, lists.events.operations(), read_units)
}

/// An overdue page costs the same DynamoDB requests and read capacity however many tasks
/// exist: one index query, never a scan or a filter that reads and drops items. `cargo xtask
/// bench` runs this with 10 and 5,000 tasks (`TASK_SIZES`) and prints each row.
#[tokio::test]
async fn an_overdue_page_costs_the_same_however_many_tasks_there_are() {
    let mut lists = Lists::new(WriteMode::Direct).await;
    let mut rows = Vec::new();
    let mut created = 0;
    for size in sizes() {
        while created < size {
            // Two in three assigned to u1, two in three overdue, one in five done: pages of
            // items alike in size (same id and title lengths, whole-second times). No targets:
            // a target's stream would only grow moto's work, not the page's.
            let id = format!("t{created:05}");
            let assignee = if created % 3 == 0 { "u2" } else { "u1" };
            let due = if created % 3 == 2 {
                "2099-01-01T09:00:00Z".to_owned()
            } else {
                format!(
                    "2001-01-01T{:02}:{:02}:00Z",
                    created / 60 % 24,
                    created % 60
                )
            };
            lists.create_for(&id, assignee, &due, json!([])).await;
            if created % 5 == 0 {
                lists
                    .harness
                    .api
                    .call_expecting(200, "POST", &format!("/api/tasks/{id}/complete"), None)
                    .await;
            }
            created += 1;
        }
        lists.project().await;
        let mine = cost(&lists, "/api/tasks/overdue?assigneeId=u1&limit=3").await;
        let everyone = cost(&lists, "/api/tasks/overdue?limit=3").await;
        println!(
            "| {size} | {} | {} | {} | {} | {} | {} |",
            mine.0.join(" "),
            mine.1.len(),
            mine.2,
            everyone.0.join(" "),
            everyone.1.len(),
            everyone.2
        );
        rows.push((mine, everyone));
    }
    for row in &rows {
        assert_eq!(
            row, &rows[0],
            "the same requests and capacity at every size"
        );
    }
    assert_eq!(rows[0].0 .0, ["Query"], "one index query a page");
    assert!(
        rows[0].0 .1.is_empty(),
        "nothing of anyone's to read from the streams"
    );
}
