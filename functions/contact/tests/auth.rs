//! Who may call, and who the audit trail names: tokens of the local issuer, verified by the
//! function itself (as `cargo xtask dev --auth` runs it), through the contact routes.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use http_api::auth::{Auth, LocalIssuer};
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

const SECRET: [u8; 32] = [42; 32];

fn api() -> TestApi {
    let mut api = TestApi::in_memory([contact::registry()]);
    api.app.auth = Auth::Local(LocalIssuer::new(&SECRET).unwrap());
    api
}

fn token(subject: &str, scopes: &[&str]) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = LocalIssuer::new(&SECRET)
        .unwrap()
        .mint(subject, scopes, now, 300);
    format!("Bearer {token}")
}

fn ada() -> Option<Value> {
    Some(json!({ "name": "Ada", "email": "ada@example.com" }))
}

async fn problem(
    api: &TestApi,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, Value) {
    let response = api.call_with(method, path, body, headers).await;
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{method} {path}"
    );
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, body_json(&response))
}

#[tokio::test]
async fn no_token_or_a_bad_one_is_401_and_nothing_is_written() {
    let api = api();
    let (status, challenge, _) = problem(&api, "POST", "/api/contacts", ada(), &[]).await;
    assert_eq!((status, challenge.as_deref()), (401, Some("Bearer")));
    let forged =
        LocalIssuer::new(&[1; 32])
            .unwrap()
            .mint("mallory", &["crm/write"], 0, i64::MAX / 2);
    let forged = format!("Bearer {forged}");
    let (status, challenge, body) = problem(
        &api,
        "POST",
        "/api/contacts",
        ada(),
        &[("authorization", &forged)],
    )
    .await;
    assert_eq!(status, 401);
    assert!(challenge.unwrap().contains("invalid_token"), "{body}");
    let (status, _, _) = problem(&api, "GET", "/api/contacts", None, &[]).await;
    assert_eq!(status, 401);
    assert!(
        api.store.all_events().is_empty(),
        "refused requests write nothing"
    );
}

#[tokio::test]
async fn a_token_without_the_routes_scope_is_403() {
    let api = api();
    let reader = token("reader-1", &["crm/read"]);
    let (status, challenge, body) = problem(
        &api,
        "POST",
        "/api/contacts",
        ada(),
        &[("authorization", &reader)],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        challenge.as_deref(),
        Some(r#"Bearer error="insufficient_scope", scope="crm/write""#)
    );
    assert_eq!(
        body["detail"],
        "the token does not grant the crm/write scope"
    );
    let writer = token("writer-1", &["crm/write"]);
    let (status, _, _) = problem(
        &api,
        "GET",
        "/api/contacts",
        None,
        &[("authorization", &writer)],
    )
    .await;
    assert_eq!(status, 403, "writing does not imply reading");
    let listed = api
        .call_with("GET", "/api/contacts", None, &[("authorization", &reader)])
        .await;
    assert_eq!(listed.status(), 200);
}

#[tokio::test]
async fn the_tokens_subject_is_who_did_it_whatever_x_user_id_says() {
    let api = api();
    let writer = token("auditor-7", &["crm/read", "crm/write"]);
    let created = api
        .call_with(
            "POST",
            "/api/contacts",
            ada(),
            &[("authorization", &writer), ("x-user-id", "someone-else")],
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = body_json(&created)["contactId"]
        .as_str()
        .unwrap()
        .to_owned();
    let events = api.events("contact", &id).await;
    assert_eq!(
        events[0].trace.user_id.as_deref(),
        Some("auditor-7"),
        "x-user-id is ignored where a token is verified"
    );
}

#[tokio::test]
async fn trace_headers_are_checked_before_they_are_stored() {
    let api = api();
    let writer = token("u", &["crm/write"]);
    let long = "a".repeat(129);
    for (header, value) in [
        ("x-trace-id", long.as_str()),
        ("x-trace-id", "<script>"),
        ("x-source", "seed run"),
        ("x-span-id", "a\"b"),
    ] {
        let (status, _, body) = problem(
            &api,
            "POST",
            "/api/contacts",
            ada(),
            &[("authorization", &writer), (header, value)],
        )
        .await;
        assert_eq!(status, 400, "{header}: {value}");
        assert_eq!(body["errors"][0]["pointer"], format!("header:{header}"));
    }
    assert!(api.store.all_events().is_empty());
    let fine = api
        .call_with(
            "POST",
            "/api/contacts",
            ada(),
            &[
                ("authorization", &writer),
                ("x-trace-id", "1-5759e988-bd862e3fe1be46a994272793"),
                ("x-source", "import/crm-v1"),
            ],
        )
        .await;
    assert_eq!(fine.status(), 201);
}
