//! End to end over HTTP against the local stack (`cargo lambda watch` + moto), as a user of the
//! API sees it. `cargo xtask test` starts the stack and sets `EVENTCRM_BASE_URL`.

mod common;

use common::{assert_problem, auth_mode, base_url, call, expect, stored_events, unique};
use serde_json::{json, Value};

#[test]
fn a_contact_lives_and_dies_over_http() {
    let id = unique("ada");
    let created = call(
        "POST",
        "/contacts",
        Some(json!({ "contactId": id, "name": "Ada Lovelace", "email": "ada@example.com" })),
        &[],
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/api/contacts/{id}").as_str())
    );
    assert_eq!(created.etag.as_deref(), Some("\"1\""));
    assert_eq!(created.body["version"], 1);

    let got = call("GET", &format!("/contacts/{id}"), None, &[]);
    assert_eq!(
        (got.status, got.body["name"].as_str()),
        (200, Some("Ada Lovelace"))
    );

    let patched = call(
        "PATCH",
        &format!("/contacts/{id}"),
        Some(json!({ "phone": "+44 20 7946 0000" })),
        &[("if-match", "\"1\"")],
    );
    assert_eq!(patched.status, 200, "{:?}", patched.body);
    assert_eq!(patched.etag.as_deref(), Some("\"2\""));
    assert_eq!(patched.body["email"], "ada@example.com");

    let stale = call(
        "PATCH",
        &format!("/contacts/{id}"),
        Some(json!({ "name": "Lost update" })),
        &[("if-match", "\"1\"")],
    );
    assert_problem(&stale, 412);

    let put = call(
        "PUT",
        &format!("/contacts/{id}"),
        Some(json!({ "name": "Ada King", "email": "ada@king.org" })),
        &[],
    );
    assert_eq!(
        (
            put.status,
            put.body["phone"].clone(),
            put.body["version"].clone()
        ),
        (200, Value::Null, json!(3))
    );

    assert_problem(
        &call(
            "POST",
            "/contacts",
            Some(json!({ "contactId": id, "name": "Dup", "email": "d@example.com" })),
            &[],
        ),
        409,
    );

    let deleted = call("DELETE", &format!("/contacts/{id}"), None, &[]);
    assert_eq!(deleted.status, 204);
    assert_problem(&call("GET", &format!("/contacts/{id}"), None, &[]), 404);
    assert_problem(
        &call(
            "PATCH",
            &format!("/contacts/{id}"),
            Some(json!({ "name": "Zombie" })),
            &[],
        ),
        404,
    );
}

#[test]
fn bad_requests_get_problem_json_never_html() {
    let invalid = call(
        "POST",
        "/contacts",
        Some(json!({ "name": 42, "email": "nope", "extra": true })),
        &[],
    );
    assert_problem(&invalid, 400);
    assert_eq!(invalid.body["errors"].as_array().map(Vec::len), Some(3));
    assert_problem(&call("GET", "/contacts/bad~id", None, &[]), 400);
    assert_problem(
        &call("GET", &format!("/contacts/{}", unique("nobody")), None, &[]),
        404,
    );
    let huge = json!({ "name": "A", "email": "a@example.com", "phone": "9".repeat(70_000) });
    assert_problem(&call("POST", "/contacts", Some(huge), &[]), 413);
}

#[test]
fn events_land_in_the_event_store_with_the_callers_trace() {
    let id = unique("traced");
    let created = call(
        "POST",
        "/contacts",
        Some(json!({ "contactId": id, "name": "Grace", "email": "grace@example.com" })),
        &[
            ("x-trace-id", "e2e-trace-1"),
            ("x-user-id", "tester"),
            ("x-source", "e2e"),
        ],
    );
    assert_eq!(created.status, 201);
    let events = stored_events("contact", &id);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        (event.event_type.as_str(), event.version),
        ("ContactCreated", 1)
    );
    assert_eq!(event.trace.trace_id, "e2e-trace-1");
    // Where a token is verified, its subject is who did it, whatever x-user-id says.
    let who = match auth_mode().as_str() {
        "local" => "e2e-user",
        _ => "tester",
    };
    assert_eq!(event.trace.user_id.as_deref(), Some(who));
    assert_eq!(event.trace.source, "e2e");
    // Stored sealed under her key: no name or email in the table, yet the API reads them.
    let stored = event.payload.to_string();
    assert!(
        !stored.contains("grace@example.com") && !stored.contains("Grace"),
        "{stored}"
    );
    assert_eq!(
        event.payload["$personal"]["subject"],
        format!("contact#{id}")
    );
    assert_eq!(
        call("GET", &format!("/contacts/{id}"), None, &[]).body["email"],
        "grace@example.com"
    );
}

/// A day in the CRM: a client, its contacts and links, cases worked and closed, a contact
/// leaving with a cascade delete; then every resource read back.
#[test]
fn a_realistic_sequence_reads_back_consistently() {
    let client = unique("acme");
    let other_client = unique("initech");
    for (id, name, industry) in [
        (&client, "Acme", "Retail"),
        (&other_client, "Initech", "Software"),
    ] {
        let created = call(
            "POST",
            "/clients",
            Some(json!({ "clientId": id, "name": name, "industry": industry })),
            &[],
        );
        assert_eq!(created.status, 201, "{:?}", created.body);
    }
    let contacts: Vec<String> = (0..3).map(|i| unique(&format!("person{i}"))).collect();
    for (i, id) in contacts.iter().enumerate() {
        let created = call(
            "POST",
            "/contacts",
            Some(
                json!({ "contactId": id, "name": format!("Person {i}"), "email": format!("p{i}@acme.example") }),
            ),
            &[],
        );
        assert_eq!(created.status, 201, "{:?}", created.body);
        let linked = call(
            "POST",
            &format!("/clients/{client}/contacts"),
            Some(json!({ "contactId": id })),
            &[],
        );
        assert_eq!(linked.status, 201, "{:?}", linked.body);
    }
    let linked = call(
        "POST",
        &format!("/clients/{other_client}/contacts"),
        Some(json!({ "contactId": contacts[0] })),
        &[],
    );
    assert_eq!(linked.status, 201);
    assert_problem(
        &call(
            "POST",
            &format!("/clients/{client}/contacts"),
            Some(json!({ "contactId": contacts[0] })),
            &[],
        ),
        409,
    );
    assert_problem(
        &call(
            "POST",
            &format!("/clients/{client}/contacts"),
            Some(json!({ "contactId": unique("ghost") })),
            &[],
        ),
        422,
    );

    let mut cases = Vec::new();
    for n in 0..3 {
        let case = unique(&format!("case{n}"));
        let opened = call(
            "POST",
            "/cases",
            Some(
                json!({ "caseId": case, "clientId": client, "description": format!("Issue {n}"), "openedAt": "2026-03-01T09:00:00Z" }),
            ),
            &[],
        );
        assert_eq!(opened.status, 201, "{:?}", opened.body);
        for (kind, who) in [
            ("call", Some(&contacts[1])),
            ("email", None),
            ("meeting", Some(&contacts[2])),
        ] {
            let mut interaction = json!({ "description": format!("{kind} about issue {n}"), "type": kind, "interactionDate": "2026-03-02T10:00:00Z" });
            if let Some(who) = who {
                interaction["contactId"] = json!(who);
            }
            let added = call(
                "POST",
                &format!("/cases/{case}/interactions"),
                Some(interaction),
                &[],
            );
            assert_eq!(added.status, 201, "{:?}", added.body);
        }
        cases.push(case);
    }
    assert_problem(
        &call(
            "POST",
            "/cases",
            Some(json!({ "clientId": unique("ghost"), "description": "x" })),
            &[],
        ),
        422,
    );
    for case in &cases[..2] {
        let closed = call(
            "POST",
            &format!("/cases/{case}/close"),
            Some(json!({ "closedAt": "2026-03-05T17:00:00Z", "resolution": "Solved" })),
            &[],
        );
        assert_eq!(closed.status, 200, "{:?}", closed.body);
        assert_problem(
            &call("POST", &format!("/cases/{case}/close"), None, &[]),
            409,
        );
    }
    assert_problem(
        &call(
            "POST",
            &format!("/cases/{}/close", cases[2]),
            Some(json!({ "closedAt": "2026-02-01T00:00:00Z" })),
            &[],
        ),
        422,
    );

    // Person 0 is linked to both clients: a plain delete is refused, a cascade goes through.
    assert_problem(
        &call("DELETE", &format!("/contacts/{}", contacts[0]), None, &[]),
        409,
    );
    expect(
        call(
            "DELETE",
            &format!("/contacts/{}?cascade=true", contacts[0]),
            None,
            &[],
        ),
        204,
    );

    // Read everything back.
    let acme = call("GET", &format!("/clients/{client}"), None, &[]);
    assert_eq!(acme.status, 200);
    let mut expected: Vec<&String> = contacts[1..].iter().collect();
    expected.sort();
    assert_eq!(acme.body["contacts"], json!(expected));
    assert_eq!(acme.body["industry"], "Retail");
    assert_eq!(
        call("GET", &format!("/clients/{other_client}"), None, &[]).body["contacts"],
        json!([])
    );
    assert_problem(
        &call("GET", &format!("/contacts/{}", contacts[0]), None, &[]),
        404,
    );
    for id in &contacts[1..] {
        let person = call("GET", &format!("/contacts/{id}"), None, &[]);
        assert_eq!(
            (person.status, person.body["clients"].clone()),
            (200, json!([client]))
        );
    }
    for (n, case) in cases.iter().enumerate() {
        let got = call("GET", &format!("/cases/{case}"), None, &[]);
        assert_eq!(got.status, 200);
        let kinds: Vec<&str> = got.body["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["call", "email", "meeting"], "interactions in order");
        let status = if n < 2 { "closed" } else { "open" };
        assert_eq!(got.body["status"], status);
        // Its own events; the breach schedule may add SlaBreached at any moment (these cases
        // were opened long ago), each one more version.
        let history = call(
            "GET",
            &format!("/cases/{case}/history?limit=100"),
            None,
            &[],
        );
        let own = history.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["eventType"] != "SlaBreached")
            .count();
        assert_eq!(own, if n < 2 { 5 } else { 4 });
        assert!(got.body["version"].as_u64() >= Some(own as u64));
        assert_eq!(got.etag, Some(format!("\"{}\"", got.body["version"])));
    }
}

/// Polls `path` until `found` holds, and says how long the projection took.
fn eventually(path: &str, found: impl Fn(&Value) -> bool) -> std::time::Duration {
    let start = std::time::Instant::now();
    loop {
        let reply = call("GET", path, None, &[]);
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
        if found(&reply.body) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{path} never showed it: {:?}",
            reply.body
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn lists(body: &Value, field: &str, id: &str) -> bool {
    body["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|i| i[field] == id))
}

#[test]
fn writes_show_up_in_the_read_models_within_seconds() {
    let (client, contact, case) = (unique("k"), unique("c"), unique("s"));
    let email = format!("{contact}@Example.com");
    expect(
        call(
            "POST",
            "/clients",
            Some(json!({ "clientId": client, "name": format!("0 {client}") })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            "/contacts",
            Some(json!({ "contactId": contact, "name": "Grace", "email": email })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            &format!("/clients/{client}/contacts"),
            Some(json!({ "contactId": contact })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            "/cases",
            Some(json!({ "caseId": case, "clientId": client, "description": "Broken" })),
            &[],
        ),
        201,
    );

    let by_email = eventually(&format!("/contacts?email={}", email.to_uppercase()), |b| {
        lists(b, "contactId", &contact)
    });
    let open = eventually(&format!("/cases/open?clientId={client}"), |b| {
        lists(b, "caseId", &case)
    });
    let summary = eventually("/clients?limit=100", |b| {
        b["items"].as_array().unwrap().iter().any(|i| {
            i["clientId"] == client.as_str() && i["contactCount"] == 1 && i["openCaseCount"] == 1
        })
    });
    eprintln!("projection latency: email lookup {by_email:?}, open cases {open:?}, client summary {summary:?}");

    expect(
        call("POST", &format!("/cases/{case}/close"), None, &[]),
        200,
    );
    eventually(&format!("/cases/open?clientId={client}"), |b| {
        b["items"] == json!([])
    });
    expect(
        call(
            "DELETE",
            &format!("/contacts/{contact}?cascade=true"),
            None,
            &[],
        ),
        204,
    );
    eventually(&format!("/contacts?email={email}"), |b| {
        b["items"] == json!([])
    });
}

#[test]
fn seed_fills_the_stack_through_the_api_and_fails_loudly() {
    let xtask = env!("CARGO_BIN_EXE_xtask");
    // A seed of this run's own: the suite runs twice against one moto.
    let seed = (uuid::Uuid::new_v4().as_u128() as u64 | 1).to_string();
    let output = std::process::Command::new(xtask)
        .args(["seed", "3", "--seed", &seed])
        .env("BASE_URL", base_url())
        .output()
        .expect("run xtask seed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "seed failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("3 clients"), "{stdout}");
    assert!(stdout.contains(" tasks ("), "{stdout}");

    // Seeding the same data set again collides on its ids: a 409 must stop it, loudly.
    let again = std::process::Command::new(xtask)
        .args(["seed", "1", "--seed", &seed])
        .env("BASE_URL", base_url())
        .output()
        .expect("run xtask seed");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("409"));
}
