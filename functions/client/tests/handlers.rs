//! Client routes, links seen from both sides, and the cascade, on the in-memory store.

mod common;

use common::Api;
use http_api::testing::{assert_problem, body_json};
use serde_json::json;

async fn given_acme_and_ada(api: &Api) {
    let client = api
        .call(
            "POST",
            "/api/clients",
            Some(json!({ "clientId": "k1", "name": "Acme", "industry": "Retail" })),
        )
        .await;
    assert_eq!(client.status(), 201);
    let contact = api
        .call(
            "POST",
            "/api/contacts",
            Some(json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })),
        )
        .await;
    assert_eq!(contact.status(), 201);
}

fn header<'a>(
    response: &'a lambda_http::Response<lambda_http::Body>,
    name: &str,
) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn create_get_and_edit_a_client() {
    let api = common::in_memory();
    let created = api
        .call(
            "POST",
            "/api/clients",
            Some(json!({ "name": "Globex", "industry": "Energy" })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = body_json(&created)["clientId"].as_str().unwrap().to_owned();
    assert_eq!(
        header(&created, "location"),
        Some(format!("/api/clients/{id}").as_str())
    );
    assert_eq!(
        body_json(&created),
        json!({ "clientId": id, "name": "Globex", "industry": "Energy", "contacts": [], "version": 1 })
    );

    let patched = api
        .call_with(
            "PATCH",
            &format!("/api/clients/{id}"),
            Some(json!({ "industry": null })),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(patched.status(), 200);
    assert_eq!(body_json(&patched)["industry"], serde_json::Value::Null);
    assert_eq!(header(&patched, "etag"), Some("\"2\""));

    let put = api
        .call(
            "PUT",
            &format!("/api/clients/{id}"),
            Some(json!({ "name": "Globex Corp", "industry": "Power" })),
        )
        .await;
    assert_eq!(body_json(&put)["version"], 3);
    let got = api.call("GET", &format!("/api/clients/{id}"), None).await;
    assert_eq!(body_json(&got)["name"], "Globex Corp");
    assert_eq!(header(&got, "etag"), Some("\"3\""));

    assert_problem(
        &api.call_with(
            "PATCH",
            &format!("/api/clients/{id}"),
            Some(json!({ "name": "X" })),
            &[("if-match", "\"1\"")],
        )
        .await,
        412,
    );
    assert_problem(&api.call("GET", "/api/clients/nobody", None).await, 404);
    assert_problem(
        &api.call("PATCH", "/api/clients/nobody", Some(json!({ "name": "X" })))
            .await,
        404,
    );
    assert_problem(
        &api.call(
            "POST",
            "/api/clients",
            Some(json!({ "clientId": id, "name": "Dup" })),
        )
        .await,
        409,
    );
    let invalid = assert_problem(
        &api.call(
            "POST",
            "/api/clients",
            Some(json!({ "name": "", "industry": 7, "size": "big" })),
        )
        .await,
        400,
    );
    assert_eq!(invalid["errors"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_link_is_visible_from_both_sides_and_written_once() {
    let api = common::in_memory();
    given_acme_and_ada(&api).await;
    let linked = api
        .call(
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "c1" })),
        )
        .await;
    assert_eq!(linked.status(), 201, "{:?}", linked.body());
    assert_eq!(
        header(&linked, "location"),
        Some("/api/clients/k1/contacts/c1")
    );
    assert_eq!(body_json(&linked)["contacts"], json!(["c1"]));
    assert_eq!(
        body_json(&api.call("GET", "/api/contacts/c1", None).await)["clients"],
        json!(["k1"])
    );

    // The same transaction wrote both sides, and the contact's side names its cause.
    let client_side = api.events("client", "k1").await;
    let contact_side = api.events("contact", "c1").await;
    assert_eq!(contact_side.last().unwrap().event_type, "LinkedToClient");
    assert_eq!(
        contact_side.last().unwrap().causation_id,
        Some(client_side.last().unwrap().event_id)
    );

    let again = assert_problem(
        &api.call(
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "c1" })),
        )
        .await,
        409,
    );
    assert!(again["detail"].as_str().unwrap().contains("already linked"));
}

#[tokio::test]
async fn links_need_a_live_contact_and_an_existing_client() {
    let api = common::in_memory();
    given_acme_and_ada(&api).await;
    let ghost = assert_problem(
        &api.call(
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "ghost" })),
        )
        .await,
        422,
    );
    assert!(ghost["detail"]
        .as_str()
        .unwrap()
        .contains("ghost does not exist"));
    assert_problem(
        &api.call(
            "POST",
            "/api/clients/nobody/contacts",
            Some(json!({ "contactId": "c1" })),
        )
        .await,
        404,
    );
    assert_problem(
        &api.call("POST", "/api/clients/k1/contacts", Some(json!({})))
            .await,
        400,
    );
    assert_problem(
        &api.call(
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "no#pe" })),
        )
        .await,
        400,
    );
    assert_eq!(
        api.call("DELETE", "/api/contacts/c1", None).await.status(),
        204
    );
    let deleted = assert_problem(
        &api.call(
            "POST",
            "/api/clients/k1/contacts",
            Some(json!({ "contactId": "c1" })),
        )
        .await,
        422,
    );
    assert!(deleted["detail"].as_str().unwrap().contains("deleted"));
    assert_eq!(
        api.events("client", "k1").await.len(),
        1,
        "a refused link wrote to the client"
    );
}

#[tokio::test]
async fn unlink_removes_the_link_on_both_sides() {
    let api = common::in_memory();
    given_acme_and_ada(&api).await;
    api.call(
        "POST",
        "/api/clients/k1/contacts",
        Some(json!({ "contactId": "c1" })),
    )
    .await;
    let unlinked = api
        .call("DELETE", "/api/clients/k1/contacts/c1", None)
        .await;
    assert_eq!(unlinked.status(), 204);
    assert_eq!(header(&unlinked, "etag"), Some("\"3\""));
    assert_eq!(
        body_json(&api.call("GET", "/api/clients/k1", None).await)["contacts"],
        json!([])
    );
    assert_eq!(
        body_json(&api.call("GET", "/api/contacts/c1", None).await)["clients"],
        json!([])
    );
    assert_problem(
        &api.call("DELETE", "/api/clients/k1/contacts/c1", None)
            .await,
        404,
    );
    assert_problem(
        &api.call("DELETE", "/api/clients/nobody/contacts/c1", None)
            .await,
        404,
    );
    // With no links left, a plain delete goes through.
    assert_eq!(
        api.call("DELETE", "/api/contacts/c1", None).await.status(),
        204
    );
}

#[tokio::test]
async fn cascade_delete_unlinks_every_client() {
    let api = common::in_memory();
    given_acme_and_ada(&api).await;
    api.call(
        "POST",
        "/api/clients",
        Some(json!({ "clientId": "k2", "name": "Initech" })),
    )
    .await;
    for client in ["k1", "k2"] {
        common::link(&api, client, "c1").await;
    }
    let refused = assert_problem(&api.call("DELETE", "/api/contacts/c1", None).await, 409);
    assert!(refused["detail"].as_str().unwrap().contains("cascade=true"));
    assert_eq!(
        body_json(&api.call("GET", "/api/contacts/c1", None).await)["clients"],
        json!(["k1", "k2"])
    );

    assert_eq!(
        api.call("DELETE", "/api/contacts/c1?cascade=true", None)
            .await
            .status(),
        204
    );
    assert_problem(&api.call("GET", "/api/contacts/c1", None).await, 404);
    for client in ["k1", "k2"] {
        let got = body_json(
            &api.call("GET", &format!("/api/clients/{client}"), None)
                .await,
        );
        assert_eq!(
            got["contacts"],
            json!([]),
            "{client} still lists the deleted contact"
        );
    }
    assert_problem(
        &api.call("DELETE", "/api/contacts/c1?cascade=maybe", None)
            .await,
        400,
    );
}
