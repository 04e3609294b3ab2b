//! Case routes through the test router, on the in-memory store.

use http_api::testing::{assert_problem, body_json, pointers};
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

fn api() -> TestApi {
    TestApi::in_memory([contact::registry(), client::registry(), case::registry()])
}

async fn given_client_and_contact(api: &TestApi) {
    assert_eq!(
        api.call(
            "POST",
            "/api/clients",
            Some(json!({ "clientId": "k1", "name": "Acme" }))
        )
        .await
        .status(),
        201
    );
    let contact = json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" });
    assert_eq!(
        api.call("POST", "/api/contacts", Some(contact))
            .await
            .status(),
        201
    );
}

async fn open_case(api: &TestApi) -> Value {
    let created = api
        .call("POST", "/api/cases", Some(json!({ "caseId": "s1", "clientId": "k1", "description": "Printer on fire", "openedAt": "2026-01-01T09:00:00+01:00" })))
        .await;
    assert_eq!(created.status(), 201, "{:?}", created.body());
    body_json(&created)
}

#[tokio::test]
async fn a_case_is_opened_worked_and_closed() {
    let api = api();
    given_client_and_contact(&api).await;
    let created = open_case(&api).await;
    assert_eq!(
        created,
        json!({ "caseId": "s1", "clientId": "k1", "description": "Printer on fire", "openedAt": "2026-01-01T08:00:00Z",
                "closedAt": null, "resolution": null, "interactions": [], "interactionCount": 0, "status": "open", "version": 1,
                "priority": "normal", "assigneeId": null, "origin": null, "solvedAt": null, "reopenCount": 0,
                "sla": {
                    "firstResponse": { "targetMinutes": 480, "dueAt": "2026-01-01T16:00:00Z", "fulfilledAt": null, "breached": true },
                    "resolution": { "targetMinutes": 2880, "dueAt": "2026-01-03T08:00:00Z", "fulfilledAt": null,
                        "paused": false, "pausedMinutes": 0, "breached": true } } })
    );

    let call = api
        .call("POST", "/api/cases/s1/interactions", Some(json!({ "description": "Called", "type": "call", "contactId": "c1", "interactionDate": "2026-01-01T10:00:00Z" })))
        .await;
    assert_eq!(call.status(), 201, "{:?}", call.body());
    let note = api
        .call(
            "POST",
            "/api/cases/s1/interactions",
            Some(json!({ "description": "Toner ordered" })),
        )
        .await;
    // The answer is what changed: the new interaction, the count and the version.
    assert_eq!(note.headers()["etag"], "\"3\"");
    let note = body_json(&note);
    let id = note["interaction"]["interactionId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(
        note,
        json!({ "caseId": "s1", "interactionCount": 2, "version": 3,
                "interaction": { "interactionId": id, "description": "Toner ordered", "type": "note",
                                 "direction": "internal", "contactId": null,
                                 "interactionDate": note["interaction"]["interactionDate"] } })
    );
    let case = body_json(&api.call("GET", "/api/cases/s1", None).await);
    let interactions = case["interactions"].as_array().unwrap();
    assert_eq!(interactions.len(), 2);
    assert_eq!(
        (
            interactions[0]["type"].as_str(),
            interactions[0]["contactId"].as_str()
        ),
        (Some("call"), Some("c1"))
    );
    assert_eq!(interactions[1]["interactionId"].as_str(), Some(id.as_str()));

    let closed = api
        .call(
            "POST",
            "/api/cases/s1/close",
            Some(json!({ "closedAt": "2026-01-02T09:00:00Z", "resolution": "Fixed" })),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let got = body_json(&api.call("GET", "/api/cases/s1", None).await);
    assert_eq!(
        (
            got["status"].as_str(),
            got["closedAt"].as_str(),
            got["resolution"].as_str()
        ),
        (Some("closed"), Some("2026-01-02T09:00:00Z"), Some("Fixed"))
    );
    assert_eq!(got["version"], 4);

    let again = assert_problem(&api.call("POST", "/api/cases/s1/close", None).await, 409);
    assert!(again["detail"].as_str().unwrap().contains("closed"));
    assert_problem(
        &api.call(
            "POST",
            "/api/cases/s1/interactions",
            Some(json!({ "description": "Late" })),
        )
        .await,
        409,
    );
}

#[tokio::test]
async fn a_case_needs_an_existing_client_and_valid_fields() {
    let api = api();
    given_client_and_contact(&api).await;
    let unknown = assert_problem(
        &api.call(
            "POST",
            "/api/cases",
            Some(json!({ "clientId": "ghost", "description": "x" })),
        )
        .await,
        422,
    );
    assert!(unknown["detail"]
        .as_str()
        .unwrap()
        .contains("client ghost does not exist"));
    let invalid = assert_problem(
        &api.call("POST", "/api/cases", Some(json!({ "clientId": 1, "description": "", "openedAt": "yesterday", "status": "open" }))).await,
        400,
    );
    let pointers = pointers(&invalid);
    assert_eq!(
        pointers,
        ["/clientId", "/description", "/openedAt", "/status"]
    );
    let reserved = assert_problem(
        &api.call(
            "POST",
            "/api/cases",
            Some(json!({ "caseId": "open", "clientId": "k1", "description": "x" })),
        )
        .await,
        400,
    );
    assert!(reserved["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("reserved"));

    open_case(&api).await;
    assert_problem(
        &api.call(
            "POST",
            "/api/cases",
            Some(json!({ "caseId": "s1", "clientId": "k1", "description": "dup" })),
        )
        .await,
        409,
    );
    assert_problem(&api.call("GET", "/api/cases/nobody", None).await, 404);
    assert_problem(
        &api.call("POST", "/api/cases/nobody/close", None).await,
        404,
    );
}

#[tokio::test]
async fn times_and_references_are_checked() {
    let api = api();
    given_client_and_contact(&api).await;
    open_case(&api).await;
    let early = assert_problem(
        &api.call(
            "POST",
            "/api/cases/s1/close",
            Some(json!({ "closedAt": "2025-12-31T00:00:00Z" })),
        )
        .await,
        422,
    );
    assert!(early["detail"].as_str().unwrap().contains("cannot precede"));
    let refused = [
        (
            "interactions",
            json!({ "description": "x", "interactionDate": "2020-01-01T00:00:00Z" }),
            422,
        ),
        (
            "interactions",
            json!({ "description": "x", "contactId": "ghost" }),
            422,
        ),
        (
            "interactions",
            json!({ "description": "x", "type": "fax" }),
            400,
        ),
        ("close", json!({ "resolution": 5 }), 400),
    ];
    for (action, body, status) in refused {
        let path = format!("/api/cases/s1/{action}");
        assert_problem(&api.call("POST", &path, Some(body)).await, status);
    }
    assert_problem(
        &api.call_with(
            "POST",
            "/api/cases/s1/close",
            None,
            &[("if-match", "\"9\"")],
        )
        .await,
        412,
    );
    // Nothing of that was written: the case is still at version 1, open.
    let got = body_json(&api.call("GET", "/api/cases/s1", None).await);
    assert_eq!(
        (got["version"].clone(), got["status"].as_str()),
        (json!(1), Some("open"))
    );
    // An empty body closes it now.
    assert_eq!(
        api.call("POST", "/api/cases/s1/close", None).await.status(),
        200
    );
}

/// Valid RFC 3339 whose UTC instant RFC 3339 cannot write is refused, never a panic or a 500.
#[tokio::test]
async fn timestamps_beyond_the_years_rfc3339_can_write_are_400() {
    let api = api();
    given_client_and_contact(&api).await;
    for at in ["9999-12-31T23:30:00-01:00", "0000-01-01T00:00:00+01:00"] {
        let case = json!({ "clientId": "k1", "description": "x", "openedAt": at });
        let refused = assert_problem(&api.call("POST", "/api/cases", Some(case)).await, 400);
        assert_eq!(refused["errors"][0]["pointer"], "/openedAt");
    }
    open_case(&api).await;
    let late = "9999-12-31T23:30:00-01:00";
    let refused = [
        (
            "interactions",
            json!({ "description": "x", "interactionDate": late }),
        ),
        ("close", json!({ "closedAt": late })),
    ];
    for (action, body) in refused {
        let path = format!("/api/cases/s1/{action}");
        assert_problem(&api.call("POST", &path, Some(body)).await, 400);
    }
}

#[tokio::test]
async fn a_case_follows_its_workflow_and_its_clocks_with_the_policy_in_force() {
    let api = TestApi::in_memory([
        contact::registry(),
        client::registry(),
        case::registry(),
        sla_policy::registry(),
    ]);
    given_client_and_contact(&api).await;
    // A policy of tight urgent targets, then an urgent case: it copies them.
    let mut policy = body_json(
        &api.call_expecting(200, "GET", "/api/sla-policy", None)
            .await,
    );
    policy.as_object_mut().unwrap().remove("version");
    policy["targets"]["urgent"] = json!({ "firstResponseMinutes": 15, "resolutionMinutes": 120 });
    api.call_expecting(200, "PUT", "/api/sla-policy", Some(policy))
        .await;
    let created = body_json(
        &api.call_expecting(
            201,
            "POST",
            "/api/cases",
            Some(
                json!({ "caseId": "s1", "clientId": "k1", "description": "Down",
                "openedAt": "2026-01-01T09:00:00Z", "priority": "urgent", "origin": "phone" }),
            ),
        )
        .await,
    );
    assert_eq!(
        (
            &created["sla"]["firstResponse"]["dueAt"],
            &created["sla"]["resolution"]["dueAt"]
        ),
        (
            &json!("2026-01-01T09:15:00Z"),
            &json!("2026-01-01T11:00:00Z")
        )
    );
    let status = "/api/cases/s1/status";
    // Solving needs an assignee; the same status twice is a conflict; a resolution goes only
    // with solving; a time before the latest recorded is refused.
    let problem = assert_problem(
        &api.call("POST", status, Some(json!({ "status": "solved" })))
            .await,
        422,
    );
    assert!(problem["detail"].as_str().unwrap().contains("assign"));
    assert_problem(
        &api.call("POST", status, Some(json!({ "status": "open" })))
            .await,
        409,
    );
    let problem = assert_problem(
        &api.call(
            "POST",
            status,
            Some(json!({ "status": "pending", "resolution": "x", "at": "soon" })),
        )
        .await,
        400,
    );
    let mut found = pointers(&problem);
    found.sort_unstable();
    assert_eq!(found, ["/at", "/resolution"]);
    api.call_expecting(
        200,
        "PATCH",
        "/api/cases/s1",
        Some(json!({ "assigneeId": "agent-1" })),
    )
    .await;
    api.call_expecting(
        200,
        "POST",
        status,
        Some(json!({ "status": "pending", "at": "2026-01-01T09:30:00Z" })),
    )
    .await;
    assert_problem(
        &api.call(
            "POST",
            status,
            Some(json!({ "status": "on_hold", "at": "2026-01-01T09:10:00Z" })),
        )
        .await,
        422,
    );
    // The customer writes back: the case reopens in the same append.
    let reply = json!({ "description": "It works now?", "type": "email", "direction": "inbound",
        "interactionDate": "2026-01-01T10:30:00Z" });
    api.call_expecting(201, "POST", "/api/cases/s1/interactions", Some(reply))
        .await;
    let reopened = body_json(&api.call_expecting(200, "GET", "/api/cases/s1", None).await);
    assert_eq!(
        (
            &reopened["status"],
            &reopened["reopenCount"],
            &reopened["sla"]["resolution"]["pausedMinutes"],
            &reopened["sla"]["resolution"]["dueAt"],
            &reopened["interactions"][0]["direction"]
        ),
        (
            &json!("open"),
            &json!(1),
            &json!(60),
            &json!("2026-01-01T12:00:00Z"),
            &json!("inbound")
        )
    );
    api.call_expecting(
        200,
        "POST",
        status,
        Some(json!({ "status": "solved", "resolution": "Rebooted", "at": "2026-01-01T11:30:00Z" })),
    )
    .await;
    let solved = body_json(&api.call_expecting(200, "GET", "/api/cases/s1", None).await);
    assert_eq!(
        (
            &solved["status"],
            &solved["solvedAt"],
            &solved["resolution"],
            &solved["sla"]["resolution"]["breached"]
        ),
        (
            &json!("solved"),
            &json!("2026-01-01T11:30:00Z"),
            &json!("Rebooted"),
            &json!(false)
        )
    );
    // Unassigning, then the case as it stood before it was solved.
    api.call_expecting(
        200,
        "PATCH",
        "/api/cases/s1",
        Some(json!({ "assigneeId": null })),
    )
    .await;
    let before = body_json(
        &api.call_expecting(200, "GET", "/api/cases/s1?version=3", None)
            .await,
    );
    assert_eq!(
        (&before["status"], &before["assigneeId"]),
        (&json!("pending"), &json!("agent-1"))
    );
    api.call_expecting(200, "POST", "/api/cases/s1/close", Some(json!({})))
        .await;
    assert_problem(
        &api.call("POST", status, Some(json!({ "status": "open" })))
            .await,
        409,
    );
    assert_problem(
        &api.call("PATCH", "/api/cases/s1", Some(json!({ "priority": "low" })))
            .await,
        409,
    );
}

#[tokio::test]
async fn a_case_at_the_end_of_time_has_clocks_that_are_never_due() {
    let api = api();
    given_client_and_contact(&api).await;
    let body = json!({ "caseId": "s9", "clientId": "k1", "description": "Late",
        "openedAt": "9999-12-31T23:00:00Z", "priority": "low" });
    let created = body_json(
        &api.call_expecting(201, "POST", "/api/cases", Some(body))
            .await,
    );
    assert_eq!(
        (
            &created["sla"]["firstResponse"]["dueAt"],
            &created["sla"]["resolution"]["dueAt"]
        ),
        (&Value::Null, &Value::Null)
    );
    api.call_expecting(
        200,
        "POST",
        "/api/cases/s9/status",
        Some(json!({ "status": "pending", "at": "9999-12-31T23:59:59Z" })),
    )
    .await;
}
