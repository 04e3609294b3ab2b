//! The SLA policy's routes on the in-memory store: the defaults until one is set, the whole
//! policy replaced under If-Match, every field error at once, its history and its past.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use http_api::testing::{assert_problem, body_json, pointers};
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

fn policy() -> Value {
    json!({
        "targets": {
            "urgent": { "firstResponseMinutes": 30, "resolutionMinutes": 240 },
            "high": { "firstResponseMinutes": 120, "resolutionMinutes": 960 },
            "normal": { "firstResponseMinutes": 480, "resolutionMinutes": 2880 },
            "low": { "firstResponseMinutes": 1440, "resolutionMinutes": 5760 }
        },
        "businessHours": { "timezone": "Europe/Berlin",
            "days": { "mon": ["09:00", "17:00"], "fri": ["09:00", "13:00"] } }
    })
}

#[tokio::test]
async fn the_defaults_apply_until_a_policy_is_set_and_then_it_is_the_one_in_force() {
    let api = TestApi::in_memory([sla_policy::registry()]);
    let defaults = api
        .call_expecting(200, "GET", "/api/sla-policy", None)
        .await;
    assert_eq!(defaults.headers()["etag"], "\"0\"");
    let defaults = body_json(&defaults);
    assert_eq!(
        (
            &defaults["targets"]["urgent"],
            &defaults["businessHours"],
            &defaults["version"]
        ),
        (
            &json!({ "firstResponseMinutes": 60, "resolutionMinutes": 480 }),
            &Value::Null,
            &json!(0)
        )
    );
    assert_problem(&api.call("GET", "/api/sla-policy/history", None).await, 404);

    let set = api
        .call_with(
            "PUT",
            "/api/sla-policy",
            Some(policy()),
            &[("if-match", "\"0\"")],
        )
        .await;
    assert_eq!(set.status(), 200, "{:?}", set.body());
    let mut expected = policy();
    expected["version"] = json!(1);
    assert_eq!(body_json(&set), expected);
    // The same again records nothing; a stale If-Match is refused.
    let again = api
        .call_expecting(200, "PUT", "/api/sla-policy", Some(policy()))
        .await;
    assert_eq!(body_json(&again)["version"], 1);
    let stale = api
        .call_with(
            "PUT",
            "/api/sla-policy",
            Some(policy()),
            &[("if-match", "\"0\"")],
        )
        .await;
    assert_problem(&stale, 412);

    let history = body_json(
        &api.call_expecting(200, "GET", "/api/sla-policy/history", None)
            .await,
    );
    assert_eq!(history["items"][0]["eventType"], "SlaPolicySet");
    // Before it was set, the defaults were in force.
    let before = body_json(
        &api.call_expecting(
            200,
            "GET",
            "/api/sla-policy?asOf=2001-01-01T00:00:00Z",
            None,
        )
        .await,
    );
    assert_eq!(before["targets"]["urgent"]["firstResponseMinutes"], 60);
}

#[tokio::test]
async fn a_policy_is_refused_with_every_field_error_at_once() {
    let api = TestApi::in_memory([sla_policy::registry()]);
    let mut bad = policy();
    bad["targets"]["urgent"]["firstResponseMinutes"] = json!(0);
    bad["targets"].as_object_mut().unwrap().remove("low");
    bad["targets"]["high"]["extra"] = json!(1);
    bad["businessHours"]["timezone"] = json!("Mars/Olympus");
    bad["colour"] = json!("red");
    let problem = assert_problem(&api.call("PUT", "/api/sla-policy", Some(bad)).await, 400);
    let mut found = pointers(&problem);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "/businessHours",
            "/colour",
            "/targets/high/extra",
            "/targets/low",
            "/targets/urgent/firstResponseMinutes"
        ]
    );
    for hours in [
        json!({ "timezone": "Europe/Berlin", "days": { "monday": ["09:00", "17:00"] } }),
        json!({ "timezone": "Europe/Berlin", "days": { "mon": ["17:00", "09:00"] } }),
        json!({ "timezone": "Europe/Berlin" }),
        json!("09-17"),
    ] {
        let mut body = policy();
        body["businessHours"] = hours.clone();
        let problem = assert_problem(&api.call("PUT", "/api/sla-policy", Some(body)).await, 400);
        assert_eq!(pointers(&problem), ["/businessHours"], "{hours}");
    }
    let mut missing = policy();
    missing.as_object_mut().unwrap().remove("businessHours");
    let problem = assert_problem(
        &api.call("PUT", "/api/sla-policy", Some(missing)).await,
        400,
    );
    assert_eq!(pointers(&problem), ["/businessHours"]);
}
