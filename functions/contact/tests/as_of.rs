//! Reads of the past: `?version=N` and `?asOf=<RFC 3339>` on a contact.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn stamp(at: OffsetDateTime) -> String {
    // UTC: ends in Z, nothing to escape in a query string.
    at.format(&Rfc3339).unwrap()
}

#[tokio::test]
async fn a_contact_reads_as_it_was_at_a_version_or_an_instant() {
    let api = TestApi::in_memory([contact::registry()]);
    let before = OffsetDateTime::now_utc() - time::Duration::seconds(1);
    let created = api
        .call(
            "POST",
            "/api/contacts",
            Some(json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })),
        )
        .await;
    assert_eq!(created.status(), 201);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let between = OffsetDateTime::now_utc();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let edited = api
        .call(
            "PATCH",
            "/api/contacts/c1",
            Some(json!({ "name": "Ada Lovelace" })),
        )
        .await;
    assert_eq!(edited.status(), 200);

    for (query, name, version) in [
        ("version=1".to_owned(), "Ada", "1"),
        ("version=2".to_owned(), "Ada Lovelace", "2"),
        (format!("asOf={}", stamp(between)), "Ada", "1"),
        (
            format!("asOf={}", stamp(OffsetDateTime::now_utc())),
            "Ada Lovelace",
            "2",
        ),
    ] {
        let response = api
            .call("GET", &format!("/api/contacts/c1?{query}"), None)
            .await;
        assert_eq!(response.status(), 200, "{query}");
        assert_eq!(
            response.headers()["etag"],
            format!("\"{version}\""),
            "{query}"
        );
        assert_eq!(body_json(&response)["name"], name, "{query}");
    }
    let absent = api
        .call(
            "GET",
            &format!("/api/contacts/c1?asOf={}", stamp(before)),
            None,
        )
        .await;
    assert_eq!(absent.status(), 404, "before it existed");
    for bad in [
        "version=3".to_owned(),
        "version=0".to_owned(),
        "version=two".to_owned(),
        "asOf=yesterday".to_owned(),
        format!("version=1&asOf={}", stamp(between)),
    ] {
        let response = api
            .call("GET", &format!("/api/contacts/c1?{bad}"), None)
            .await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}
