//! Who may call the local stack, over HTTP. `cargo xtask test` runs the direct-mode stack open
//! (as `cargo xtask dev`) and the batch-mode stack with `--auth`; each run checks its own rules.
//! Tokens come from the `cargo xtask token` command itself.

mod common;

use common::{assert_problem, auth_mode, call, stored_events, unique};
use serde_json::json;

/// `cargo xtask token ARGS`, as a user runs it.
fn token(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("token")
        .args(args)
        .output()
        .expect("cargo xtask token runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    format!(
        "Bearer {}",
        String::from_utf8(output.stdout).unwrap().trim()
    )
}

fn contact(id: &str) -> Option<serde_json::Value> {
    Some(json!({ "contactId": id, "name": "Kay", "email": "kay@example.com" }))
}

#[test]
fn the_stack_enforces_its_auth_mode() {
    let id = unique("auth");
    match auth_mode().as_str() {
        "open" => {
            // Open, as its banner says: no token, and x-user-id names the user.
            let created = call(
                "POST",
                "/contacts",
                contact(&id),
                &[("authorization", ""), ("x-user-id", "says-who")],
            );
            assert_eq!(created.status, 201, "{}", created.raw);
            let events = stored_events("contact", &id);
            assert_eq!(events[0].trace.user_id.as_deref(), Some("says-who"));
        }
        "local" => {
            // No token, a malformed one, a forged one: 401 problem+json.
            for bad in ["", "Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz"] {
                let reply = call("POST", "/contacts", contact(&id), &[("authorization", bad)]);
                assert_problem(&reply, 401);
                let reply = call("GET", "/contacts", None, &[("authorization", bad)]);
                assert_problem(&reply, 401);
            }
            // Read-only: may list, may not write (403 problem+json).
            let reader = token(&["--user", "reader-1", "--scopes", "crm/read"]);
            let listed = call("GET", "/contacts", None, &[("authorization", &reader)]);
            assert_eq!(listed.status, 200, "{}", listed.raw);
            let refused = call(
                "POST",
                "/contacts",
                contact(&id),
                &[("authorization", &reader)],
            );
            assert_problem(&refused, 403);
            assert_eq!(
                refused.body["detail"],
                "the token does not grant the crm/write scope"
            );
            assert!(stored_events("contact", &id).is_empty(), "nothing written");
            // An expired token.
            let expired = token(&["--user", "late", "--ttl-seconds", "-120"]);
            assert_problem(
                &call("GET", "/contacts", None, &[("authorization", &expired)]),
                401,
            );
            // A writer: the token's subject is who did it, whatever x-user-id says.
            let writer = token(&["--user", "writer-9", "--scopes", "crm/read crm/write"]);
            let created = call(
                "POST",
                "/contacts",
                contact(&id),
                &[("authorization", &writer), ("x-user-id", "someone-else")],
            );
            assert_eq!(created.status, 201, "{}", created.raw);
            let events = stored_events("contact", &id);
            assert_eq!(events[0].trace.user_id.as_deref(), Some("writer-9"));
            // Erasure is an administrator's: a writer is refused and nothing is erased.
            let erase = format!("/contacts/{id}/erase");
            let refused = call("POST", &erase, None, &[("authorization", &writer)]);
            assert_problem(&refused, 403);
            assert_eq!(
                refused.body["detail"],
                "the token does not grant the crm/admin scope"
            );
            assert_eq!(stored_events("contact", &id).len(), 1, "nothing erased");
        }
        other => panic!("unknown EVENTCRM_AUTH {other}"),
    }
}
