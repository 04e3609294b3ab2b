//! Task routes on the in-memory store: the contract's shapes, every field error at once, the
//! targets checked and recorded on their own streams in the same append (or nothing written),
//! the text sealed under the targeted person's key, and the past read back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use event_sourcing::store::EventStore;
use event_sourcing::StreamId;
use http_api::testing::{assert_problem, body_json, pointers};
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

/// Tasks with every kind of record they may target, client Acme (`k1`), contact Ada (`c1`),
/// case `s1`, pipeline Sales and opportunity `o1` already there.
async fn api() -> TestApi {
    let api = TestApi::in_memory([
        contact::registry(),
        client::registry(),
        case::registry(),
        pipeline::registry(),
        opportunity::registry(),
        task::registry(),
    ]);
    for (path, body) in [
        ("/api/clients", client::fixtures::acme_body()),
        ("/api/contacts", contact::fixtures::ada_body()),
        (
            "/api/cases",
            json!({ "caseId": "s1", "clientId": "k1", "description": "Printer on fire" }),
        ),
        ("/api/pipelines", pipeline::fixtures::sales_body()),
        (
            "/api/opportunities",
            json!({ "opportunityId": "o1", "name": "Renewal", "clientId": "k1",
                "pipelineId": "p1", "amount": "100", "currency": "EUR",
                "closeDate": "2027-03-31", "ownerId": "u1" }),
        ),
    ] {
        api.call_expecting(201, "POST", path, Some(body)).await;
    }
    api
}

fn every_target() -> Value {
    json!([{ "type": "contact", "id": "c1" }, { "type": "client", "id": "k1" },
        { "type": "case", "id": "s1" }, { "type": "opportunity", "id": "o1" }])
}

#[tokio::test]
async fn a_task_is_created_for_the_caller_and_recorded_on_every_record_it_targets() {
    let api = api().await;
    let body = json!({ "taskId": "t1", "title": "Call Ada back", "notes": "About the renewal",
        "dueAt": "2030-03-01T10:00:00+01:00", "targets": every_target() });
    let created = api
        .call_with("POST", "/api/tasks", Some(body), &[("x-user-id", "u7")])
        .await;
    assert_eq!(created.status(), 201, "{:?}", created.body());
    assert_eq!(created.headers()["location"], "/api/tasks/t1");
    assert_eq!(created.headers()["etag"], "\"1\"");
    let answer = body_json(&created);
    let created_at = answer["createdAt"].clone();
    assert_eq!(
        answer,
        json!({ "taskId": "t1", "title": "Call Ada back", "notes": "About the renewal",
            "type": "todo", "priority": "normal", "dueAt": "2030-03-01T09:00:00Z",
            "assigneeId": "u7", "targets": every_target(), "status": "open", "createdBy": "u7",
            "createdAt": created_at, "completedAt": null, "cancelledAt": null,
            "cancelReason": null, "overdue": false, "version": 1 })
    );
    for (kind, id) in [
        ("contact", "c1"),
        ("client", "k1"),
        ("case", "s1"),
        ("opportunity", "o1"),
    ] {
        let events = api.events(kind, id).await;
        let last = events.last().unwrap();
        assert_eq!(
            (last.event_type.as_str(), &last.payload),
            ("TaskAttached", &json!({ "taskId": "t1" })),
            "{kind} {id}"
        );
    }
    // The text is Ada's data: only ciphertext is stored.
    let stored = api.store.load(&StreamId::new("task", "t1")).await.unwrap();
    let stored = serde_json::to_string(&stored[0].payload).unwrap();
    assert!(
        !stored.contains("Call Ada back") && stored.contains("$personal"),
        "{stored}"
    );
}

#[tokio::test]
async fn a_missing_or_deleted_target_refuses_the_whole_task_and_writes_nothing() {
    let api = api().await;
    api.call_expecting(204, "DELETE", "/api/contacts/c1", None)
        .await;
    for (target, named) in [
        (json!({ "type": "contact", "id": "c1" }), "contact c1"),
        (json!({ "type": "case", "id": "s404" }), "case s404"),
        (
            json!({ "type": "opportunity", "id": "o404" }),
            "opportunity o404",
        ),
        (json!({ "type": "client", "id": "k404" }), "client k404"),
    ] {
        let body = json!({ "taskId": "t1", "title": "Call", "dueAt": "2030-01-01T00:00:00Z",
            "assigneeId": "u1", "targets": [{ "type": "client", "id": "k1" }, target] });
        let problem = assert_problem(&api.call("POST", "/api/tasks", Some(body)).await, 422);
        assert!(
            problem["detail"].as_str().unwrap().contains(named),
            "{problem}"
        );
    }
    assert!(api.events("task", "t1").await.is_empty());
    let client = api.events("client", "k1").await;
    assert!(
        client.iter().all(|e| e.event_type != "TaskAttached"),
        "nothing written"
    );
}

#[tokio::test]
async fn a_task_is_refused_with_every_field_error_at_once() {
    let api = api().await;
    let cases = [
        (json!({}), vec!["/title", "/dueAt", "/assigneeId"]),
        (
            json!({ "title": "", "dueAt": "tomorrow", "type": "fax", "priority": "whenever",
                "notes": "x".repeat(5001), "assigneeId": "a b" }),
            vec![
                "/title",
                "/notes",
                "/type",
                "/priority",
                "/dueAt",
                "/assigneeId",
            ],
        ),
        (
            json!({ "title": "Call", "dueAt": "2030-01-01T00:00:00Z", "assigneeId": "u1",
                "targets": [{ "type": "contact", "id": "c1" }, { "type": "contact", "id": "c2" },
                    { "type": "client", "id": "k1" }, { "type": "client", "id": "k1" },
                    { "type": "pipeline", "id": "p1" }, { "id": "k2" }] }),
            vec![
                "/targets/1",
                "/targets/3",
                "/targets/4/type",
                "/targets/5/type",
            ],
        ),
        (
            json!({ "title": "Call", "dueAt": "2030-01-01T00:00:00Z", "assigneeId": "u1",
                "targets": (0..11).map(|i| json!({ "type": "client", "id": format!("k{i}") })).collect::<Vec<_>>() }),
            vec!["/targets"],
        ),
        (
            json!({ "title": "Call", "dueAt": "2030-01-01T00:00:00Z", "assigneeId": "u1", "owner": "u1" }),
            vec!["/owner"],
        ),
    ];
    for (body, expected) in cases {
        let problem = assert_problem(
            &api.call("POST", "/api/tasks", Some(body.clone())).await,
            400,
        );
        let mut found = pointers(&problem);
        found.sort_unstable();
        let mut expected = expected;
        expected.sort_unstable();
        assert_eq!(found, expected, "{body}");
    }
    // Without an assignee and without a caller to default to.
    let body = json!({ "title": "Call", "dueAt": "2030-01-01T00:00:00Z" });
    let problem = assert_problem(&api.call("POST", "/api/tasks", Some(body)).await, 400);
    assert_eq!(pointers(&problem), ["/assigneeId"]);
}

#[tokio::test]
async fn every_postponement_and_hand_over_is_kept_and_the_past_reads_overdue_as_it_was() {
    let api = api().await;
    let body = json!({ "taskId": "t1", "title": "Call", "dueAt": "2030-01-01T00:00:00Z",
        "assigneeId": "u1" });
    api.call_expecting(201, "POST", "/api/tasks", Some(body))
        .await;
    for (due, assignee) in [
        ("2031-01-01T00:00:00Z", "u2"),
        ("2032-01-01T00:00:00Z", "u2"),
    ] {
        api.call_expecting(
            200,
            "PATCH",
            "/api/tasks/t1",
            Some(json!({ "dueAt": due, "assigneeId": assignee })),
        )
        .await;
    }
    let unchanged = api
        .call_expecting(
            200,
            "PATCH",
            "/api/tasks/t1",
            Some(json!({ "dueAt": "2032-01-01T00:00:00Z" })),
        )
        .await;
    assert_eq!(
        body_json(&unchanged)["version"],
        4,
        "nothing changed, nothing recorded"
    );
    let history = body_json(
        &api.call_expecting(200, "GET", "/api/tasks/t1/history", None)
            .await,
    );
    let moves: Vec<(&str, Value)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["eventType"].as_str().unwrap(), e["changes"].clone()))
        .filter(|(t, _)| *t != "TaskCreated")
        .collect();
    assert_eq!(
        moves,
        [
            (
                "TaskRescheduled",
                json!({ "taskId": "t1", "dueAt": "2031-01-01T00:00:00Z", "previousDueAt": "2030-01-01T00:00:00Z" })
            ),
            (
                "TaskReassigned",
                json!({ "taskId": "t1", "assigneeId": "u2", "previousAssigneeId": "u1" })
            ),
            (
                "TaskRescheduled",
                json!({ "taskId": "t1", "dueAt": "2032-01-01T00:00:00Z", "previousDueAt": "2031-01-01T00:00:00Z" })
            ),
        ]
    );
    // `overdue` is computed at the instant read: not yet now, but as of 2099 it is.
    let now = body_json(&api.call_expecting(200, "GET", "/api/tasks/t1", None).await);
    assert_eq!(now["overdue"], false);
    let later = body_json(
        &api.call_expecting(200, "GET", "/api/tasks/t1?asOf=2099-01-01T00:00:00Z", None)
            .await,
    );
    assert_eq!(
        (&later["overdue"], &later["dueAt"]),
        (&json!(true), &json!("2032-01-01T00:00:00Z"))
    );
    let first = body_json(
        &api.call_expecting(200, "GET", "/api/tasks/t1?version=1", None)
            .await,
    );
    assert_eq!(
        (&first["dueAt"], &first["assigneeId"]),
        (&json!("2030-01-01T00:00:00Z"), &json!("u1"))
    );
    let stale = api
        .call_with(
            "PATCH",
            "/api/tasks/t1",
            Some(json!({ "title": "X" })),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_problem(&stale, 412);
}
