use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_task_operation_answers_as_documented() {
    let spec = Spec::load();
    let (client, contact) = crate::client_and_contact(&spec);
    let (task, assignee) = (unique("t"), unique("u"));
    let body = json!({ "taskId": task, "title": "Call back", "notes": "About the renewal",
        "type": "call", "priority": "high", "dueAt": "2001-01-01T09:00:00Z",
        "assigneeId": assignee,
        "targets": [{ "type": "client", "id": client }, { "type": "contact", "id": contact }] });
    expect(spec.json("POST", "/tasks", body.clone()), 201);
    expect(spec.json("POST", "/tasks", body.clone()), 409);
    let mut ghost = body.clone();
    ghost["taskId"] = json!(unique("t"));
    ghost["targets"] = json!([{ "type": "case", "id": unique("ghost") }]);
    expect(spec.json("POST", "/tasks", ghost), 422);
    let mut two_people = body.clone();
    two_people["targets"] = json!([{ "type": "contact", "id": contact },
        { "type": "contact", "id": unique("c") }]);
    expect(spec.json("POST", "/tasks", two_people), 400);
    expect(
        spec.json("POST", "/tasks", json!({ "title": "No due time" })),
        400,
    );

    let path = format!("/tasks/{task}");
    let none = format!("/tasks/{}", unique("none"));
    let read = expect(spec.get(&path), 200);
    assert_eq!(read.body["overdue"], true);
    expect(spec.get(&none), 404);
    expect(
        spec.json("PATCH", &path, json!({ "dueAt": "2001-01-02T09:00:00Z" })),
        200,
    );
    expect(spec.json("PATCH", &path, json!({ "title": null })), 400);
    let stale = Some(("application/json", r#"{"title":"X"}"#.into()));
    expect(
        spec.call("PATCH", &path, stale, &[("if-match", "\"1\"")]),
        412,
    );
    expect(spec.json("PATCH", &none, json!({ "title": "X" })), 404);

    expect(
        spec.json("POST", &format!("{path}/complete"), json!({})),
        200,
    );
    expect(
        spec.json("POST", &format!("{path}/complete"), json!({})),
        409,
    );
    expect(spec.json("PATCH", &path, json!({ "title": "X" })), 409);
    expect(spec.json("POST", &format!("{path}/cancel"), json!({})), 409);
    expect(spec.json("POST", &format!("{path}/reopen"), json!({})), 200);
    expect(spec.json("POST", &format!("{path}/reopen"), json!({})), 409);
    expect(
        spec.json(
            "POST",
            &format!("{path}/complete"),
            json!({ "completedAt": "2000-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            &format!("{path}/complete"),
            json!({ "completedAt": "soon" }),
        ),
        400,
    );
    expect(
        spec.json(
            "POST",
            &format!("{path}/cancel"),
            json!({ "reason": "Not needed" }),
        ),
        200,
    );
    for action in ["complete", "cancel", "reopen"] {
        expect(
            spec.json("POST", &format!("{none}/{action}"), json!({})),
            404,
        );
    }
    expect(spec.json("POST", &format!("{path}/reopen"), json!({})), 200);

    // The read models, once the stream consumer has caught up.
    spec.eventually(&format!("/tasks?assigneeId={assignee}"), &task);
    spec.eventually(&format!("/tasks/overdue?assigneeId={assignee}"), &task);
    spec.eventually(&format!("/clients/{client}/tasks"), &task);
    spec.eventually(
        &format!("/contacts/{contact}/tasks?status=all"),
        "Call back",
    );
    expect(spec.get("/tasks/overdue?limit=2"), 200);
    expect(
        spec.get(&format!(
            "/tasks?assigneeId={assignee}&status=all&dueBefore=2001-01-03T00:00:00Z"
        )),
        200,
    );
    expect(
        spec.get(&format!("/tasks?assigneeId={assignee}&status=maybe")),
        400,
    );
    expect(
        spec.get(&format!("/tasks?assigneeId={assignee}&dueBefore=soon")),
        400,
    );
    expect(spec.get("/tasks?assigneeId=a%23b"), 400);
    expect(
        spec.get(&format!("/tasks?assigneeId={assignee}&limit=1000")),
        400,
    );
    crate::the_past_reads_as_documented(&spec, &path, &none);
    spec.assert_covered("/api/tasks");
}
