//! Opportunity routes on the in-memory store: the contract's shapes, exact money, the stage
//! rules as status codes, every slip kept in the history, and the past read back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::sync::Arc;

use common::{given_acme_and_sales, renewal, Api};
use http_api::testing::{assert_problem, body_json, pointers};
use serde_json::{json, Value};

fn api() -> Api {
    common::api(Arc::new(event_sourcing::store::InMemoryEventStore::new()))
}

#[tokio::test]
async fn an_opportunity_is_created_in_the_first_open_stage_for_the_caller_with_exact_money() {
    let api = api();
    given_acme_and_sales(&api).await;
    let mut body = renewal();
    body.as_object_mut().unwrap().remove("ownerId");
    let created = api
        .call_with(
            "POST",
            "/api/opportunities",
            Some(body),
            &[("x-user-id", "u7")],
        )
        .await;
    assert_eq!(created.status(), 201, "{:?}", created.body());
    assert_eq!(created.headers()["location"], "/api/opportunities/o1");
    assert_eq!(created.headers()["etag"], "\"1\"");
    let body = body_json(&created);
    let created_at = body["createdAt"].as_str().unwrap().to_owned();
    assert_eq!(
        body,
        json!({
            "opportunityId": "o1", "name": "Acme renewal", "clientId": "k1", "pipelineId": "p1",
            "stageId": "qualify", "probability": 20, "amount": "12500.00", "currency": "EUR",
            "closeDate": "2027-03-31", "ownerId": "u7", "nextStep": null, "status": "open",
            "lostReason": null, "closedAt": null, "createdAt": created_at,
            "stageEnteredAt": created_at, "contacts": [], "version": 1
        })
    );
}

#[tokio::test]
async fn amounts_currencies_and_dates_are_refused_with_every_error_at_once() {
    let api = api();
    given_acme_and_sales(&api).await;
    let cases = [
        (
            json!({ "amount": "1.5", "currency": "JPY" }),
            vec!["/amount"],
        ),
        (json!({ "amount": 12500.5 }), vec!["/amount"]),
        (json!({ "amount": "-1" }), vec!["/amount"]),
        (json!({ "amount": "10000000000000" }), vec!["/amount"]),
        (json!({ "currency": "XXY" }), vec!["/currency"]),
        (json!({ "currency": "eur" }), vec!["/currency"]),
        (
            json!({ "closeDate": "2027-02-30", "name": "", "clientId": "bad id" }),
            vec!["/name", "/clientId", "/closeDate"],
        ),
    ];
    for (change, expected) in cases {
        let mut body = renewal();
        for (field, value) in change.as_object().unwrap() {
            body[field] = value.clone();
        }
        let response = api.call("POST", "/api/opportunities", Some(body)).await;
        let problem = assert_problem(&response, 400);
        assert_eq!(pointers(&problem), expected, "{change}: {problem}");
    }
    let missing = api
        .call(
            "POST",
            "/api/opportunities",
            Some(json!({ "ownerId": "u1" })),
        )
        .await;
    assert_eq!(
        pointers(&assert_problem(&missing, 400)),
        [
            "/name",
            "/clientId",
            "/pipelineId",
            "/amount",
            "/currency",
            "/closeDate"
        ]
    );
    let mut jpy = renewal();
    jpy["amount"] = json!("999999999999999");
    jpy["currency"] = json!("JPY");
    let created = api
        .call_expecting(201, "POST", "/api/opportunities", Some(jpy))
        .await;
    assert_eq!(body_json(&created)["amount"], "999999999999999");
}

#[tokio::test]
async fn what_an_opportunity_refers_to_must_be_usable() {
    let api = api();
    given_acme_and_sales(&api).await;
    api.call_expecting(
        200,
        "POST",
        "/api/pipelines/p1/stages/propose/archive",
        None,
    )
    .await;
    for (field, value) in [
        ("clientId", "k9"),
        ("pipelineId", "p9"),
        ("stageId", "nope"),
        ("stageId", "won"),
        ("stageId", "propose"),
    ] {
        let mut body = renewal();
        body[field] = json!(value);
        let response = api.call("POST", "/api/opportunities", Some(body)).await;
        assert_problem(&response, 422);
    }
    assert!(api.events("opportunity", "o1").await.is_empty());
}

#[tokio::test]
async fn an_opportunity_moves_closes_and_reopens_and_its_history_keeps_every_slip() {
    let api = api();
    given_acme_and_sales(&api).await;
    api.call_expecting(201, "POST", "/api/opportunities", Some(renewal()))
        .await;
    let moved = api
        .call_expecting(
            200,
            "POST",
            "/api/opportunities/o1/stage",
            Some(json!({ "stageId": "propose" })),
        )
        .await;
    assert_eq!(body_json(&moved)["probability"], 60);
    for (path, body, status) in [
        (
            "/api/opportunities/o1/stage",
            json!({ "stageId": "propose" }),
            409,
        ),
        (
            "/api/opportunities/o1/stage",
            json!({ "stageId": "won" }),
            422,
        ),
        ("/api/opportunities/o1/stage", json!({}), 400),
        ("/api/opportunities/o1/lost", json!({}), 400),
        ("/api/opportunities/o1/reopen", json!({}), 409),
        (
            "/api/opportunities/o1/won",
            json!({ "closedAt": "2001-01-01T00:00:00Z" }),
            422,
        ),
        ("/api/opportunities/o9/won", json!({}), 404),
    ] {
        assert_problem(&api.call("POST", path, Some(body)).await, status);
    }

    let slipped = api
        .call_expecting(
            200,
            "PATCH",
            "/api/opportunities/o1",
            Some(json!({ "amount": "14000.5", "currency": "EUR", "closeDate": "2027-04-30", "nextStep": "Send the quote" })),
        )
        .await;
    let slipped = body_json(&slipped);
    assert_eq!(
        (
            &slipped["amount"],
            &slipped["closeDate"],
            &slipped["nextStep"]
        ),
        (
            &json!("14000.50"),
            &json!("2027-04-30"),
            &json!("Send the quote")
        )
    );
    for body in [
        json!({ "currency": "USD" }),
        json!({ "amount": "1.234" }),
        json!({}),
        json!({ "name": null }),
    ] {
        let response = api
            .call("PATCH", "/api/opportunities/o1", Some(body.clone()))
            .await;
        assert_problem(&response, 400);
    }

    let lost = api
        .call_expecting(
            200,
            "POST",
            "/api/opportunities/o1/lost",
            Some(json!({ "reason": "No budget" })),
        )
        .await;
    let lost = body_json(&lost);
    assert_eq!(
        (
            &lost["status"],
            &lost["stageId"],
            &lost["lostReason"],
            &lost["probability"]
        ),
        (
            &json!("lost"),
            &json!("lost"),
            &json!("No budget"),
            &json!(0)
        )
    );
    assert!(lost["closedAt"].is_string());
    assert_problem(
        &api.call("POST", "/api/opportunities/o1/won", Some(json!({})))
            .await,
        409,
    );
    assert_problem(
        &api.call(
            "PATCH",
            "/api/opportunities/o1",
            Some(json!({ "name": "X" })),
        )
        .await,
        409,
    );
    let reopened = api
        .call_expecting(200, "POST", "/api/opportunities/o1/reopen", None)
        .await;
    let reopened = body_json(&reopened);
    assert_eq!(
        (
            &reopened["status"],
            &reopened["stageId"],
            &reopened["lostReason"],
            &reopened["closedAt"]
        ),
        (
            &json!("open"),
            &json!("propose"),
            &Value::Null,
            &Value::Null
        )
    );

    let history = api
        .call_expecting(200, "GET", "/api/opportunities/o1/history", None)
        .await;
    let types: Vec<String> = body_json(&history)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "OpportunityCreated",
            "StageChanged",
            "OpportunityEdited",
            "AmountChanged",
            "CloseDateChanged",
            "OpportunityLost",
            "OpportunityReopened"
        ]
    );
    let slip = &body_json(&history)["items"][4]["changes"];
    assert_eq!(slip["previousCloseDate"], "2027-03-31", "{slip}");
    let raise = &body_json(&history)["items"][3]["changes"];
    assert_eq!(
        (&raise["previousAmount"], &raise["amount"]),
        (&json!("12500.00"), &json!("14000.50")),
        "{raise}"
    );
}

#[tokio::test]
async fn an_opportunity_read_as_of_a_past_instant_has_its_pipelines_probability_of_then() {
    let api = api();
    given_acme_and_sales(&api).await;
    api.call_expecting(201, "POST", "/api/opportunities", Some(renewal()))
        .await;
    // Stored times have millisecond precision: step past the creation's.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let then = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    api.call_expecting(
        200,
        "PATCH",
        "/api/pipelines/p1/stages/qualify",
        Some(json!({ "probability": 30 })),
    )
    .await;
    let now = api
        .call_expecting(200, "GET", "/api/opportunities/o1", None)
        .await;
    assert_eq!(body_json(&now)["probability"], 30);
    let past = api
        .call_expecting(
            200,
            "GET",
            &format!("/api/opportunities/o1?asOf={then}"),
            None,
        )
        .await;
    assert_eq!(body_json(&past)["probability"], 20);
    assert_eq!(past.headers()["etag"], "\"1\"");
}

#[tokio::test]
async fn people_are_named_with_their_roles_and_their_streams_record_it() {
    let api = api();
    given_acme_and_sales(&api).await;
    api.call_expecting(
        201,
        "POST",
        "/api/contacts",
        Some(contact::fixtures::ada_body()),
    )
    .await;
    let mut body = renewal();
    body["contacts"] = json!([{ "contactId": "c1", "role": "Champion" }, { "contactId": "c1" }]);
    let twice = api
        .call("POST", "/api/opportunities", Some(body.clone()))
        .await;
    assert_eq!(
        pointers(&assert_problem(&twice, 400)),
        ["/contacts/1/contactId"]
    );
    body["contacts"] = json!([{ "contactId": "c1", "role": "Champion" }, { "contactId": "c9" }]);
    let ghost = api
        .call("POST", "/api/opportunities", Some(body.clone()))
        .await;
    assert_problem(&ghost, 422);
    assert!(
        api.events("opportunity", "o1").await.is_empty(),
        "nothing of a refused command"
    );

    body["contacts"] = json!([{ "contactId": "c1", "role": "Champion" }]);
    let created = api
        .call_expecting(201, "POST", "/api/opportunities", Some(body))
        .await;
    assert_eq!(
        body_json(&created)["contacts"],
        json!([{ "contactId": "c1", "role": "Champion" }])
    );
    let named = |events: Vec<event_sourcing::EventEnvelope>| -> Vec<String> {
        events.into_iter().map(|e| e.event_type).collect()
    };
    assert_eq!(
        named(api.events("contact", "c1").await),
        ["ContactCreated", "NamedOnOpportunity"]
    );
    api.call_expecting(
        201,
        "POST",
        "/api/contacts",
        Some(json!({ "contactId": "c2", "name": "Grace", "email": "grace@example.com" })),
    )
    .await;
    let added = api
        .call_expecting(
            201,
            "POST",
            "/api/opportunities/o1/contacts",
            Some(json!({ "contactId": "c2" })),
        )
        .await;
    assert_eq!(
        body_json(&added)["contacts"][1],
        json!({ "contactId": "c2", "role": null })
    );
    for (method, path, body, status) in [
        (
            "POST",
            "/api/opportunities/o1/contacts",
            Some(json!({ "contactId": "c2" })),
            409,
        ),
        (
            "POST",
            "/api/opportunities/o1/contacts",
            Some(json!({ "contactId": "c9" })),
            422,
        ),
        (
            "POST",
            "/api/opportunities/o1/contacts",
            Some(json!({ "role": "x" })),
            400,
        ),
        (
            "POST",
            "/api/opportunities/o9/contacts",
            Some(json!({ "contactId": "c2" })),
            404,
        ),
        ("DELETE", "/api/opportunities/o1/contacts/c9", None, 404),
    ] {
        assert_problem(&api.call(method, path, body).await, status);
    }
    let removed = api
        .call("DELETE", "/api/opportunities/o1/contacts/c1", None)
        .await;
    assert_eq!(removed.status(), 204);
    assert_eq!(
        named(api.events("contact", "c1").await),
        [
            "ContactCreated",
            "NamedOnOpportunity",
            "UnnamedFromOpportunity"
        ]
    );
    let now = api
        .call_expecting(200, "GET", "/api/opportunities/o1", None)
        .await;
    assert_eq!(
        body_json(&now)["contacts"],
        json!([{ "contactId": "c2", "role": null }])
    );
}
