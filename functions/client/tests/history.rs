//! A record's history through the generic slice: who, when, what, and what caused it.

use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::json;

#[tokio::test]
async fn a_contacts_history_names_who_did_what_and_what_caused_it() {
    let api = TestApi::in_memory([contact::registry(), client::registry()]);
    let create =
        |path: &'static str, body| api.call_with("POST", path, Some(body), &[("x-user-id", "ann")]);
    assert_eq!(
        create(
            "/api/contacts",
            json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        create("/api/clients", json!({ "clientId": "k1", "name": "Acme" }))
            .await
            .status(),
        201
    );
    // Linking records ContactLinked on the client and, by a policy, on the contact.
    assert_eq!(
        create("/api/clients/k1/contacts", json!({ "contactId": "c1" }))
            .await
            .status(),
        201
    );

    let history = body_json(&api.call("GET", "/api/contacts/c1/history", None).await);
    let entries = history["items"].as_array().unwrap();
    let types: Vec<&str> = entries
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ContactCreated", "LinkedToClient"]);
    assert_eq!(entries[0]["userId"], "ann");
    assert_eq!(entries[0]["changes"]["name"], "Ada");
    assert_eq!(entries[0]["causationId"], serde_json::Value::Null);
    let client = api.events("client", "k1").await;
    let link = client
        .iter()
        .find(|e| e.event_type == "ContactLinked")
        .unwrap();
    assert_eq!(
        entries[1]["causationId"],
        json!(link.event_id),
        "the contact's entry names the client's event that caused it"
    );
    assert_eq!(entries[1]["traceId"], json!(link.trace.trace_id));

    let newest = body_json(
        &api.call("GET", "/api/contacts/c1/history?order=desc&limit=1", None)
            .await,
    );
    assert_eq!(newest["items"][0]["version"], 2);
    let cursor = newest["nextCursor"].as_str().unwrap();
    let older = body_json(
        &api.call(
            "GET",
            &format!("/api/contacts/c1/history?order=desc&limit=1&cursor={cursor}"),
            None,
        )
        .await,
    );
    assert_eq!(older["items"][0]["version"], 1);
    assert_eq!(older["nextCursor"], serde_json::Value::Null);
    assert_eq!(
        api.call("GET", "/api/contacts/nobody/history", None)
            .await
            .status(),
        404
    );
}
