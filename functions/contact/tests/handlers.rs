//! Handler tests: built API Gateway requests through the same dispatch the Lambdas use, on the
//! in-memory store. Every status a contact route answers is here.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use contact::fixtures::ada_body as ada;
use event_sourcing::WriteMode;
use http_api::testing::{assert_problem, body_json, request};
use lambda_host::testing::TestApi;
use lambda_http::{Body, Response};
use serde_json::{json, Value};

/// Contact routes on the in-memory store, with helpers for the calls every test makes.
struct Api(TestApi);

impl std::ops::Deref for Api {
    type Target = TestApi;
    fn deref(&self) -> &TestApi {
        &self.0
    }
}

impl Api {
    fn new(mode: WriteMode) -> Self {
        Self(TestApi::with_mode([contact::registry()], mode))
    }

    async fn create(&self, body: Value) -> Response<Body> {
        self.call("POST", "/api/contacts", Some(body)).await
    }

    async fn at(
        &self,
        method: &str,
        id: &str,
        body: Option<Value>,
        if_match: Option<&str>,
    ) -> Response<Body> {
        let headers: Vec<(&str, &str)> =
            if_match.map(|tag| ("if-match", tag)).into_iter().collect();
        self.call_with(method, &format!("/api/contacts/{id}"), body, &headers)
            .await
    }

    fn written(&self) -> usize {
        self.store.all_events().len()
    }
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn create_answers_201_with_location_etag_and_the_contact() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let api = Api::new(mode);
        let response = api.create(ada()).await;
        assert_eq!(response.status(), 201);
        assert_eq!(header(&response, "location"), Some("/api/contacts/c1"));
        assert_eq!(header(&response, "etag"), Some("\"1\""));
        assert_eq!(
            body_json(&response),
            json!({ "contactId": "c1", "name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000", "clients": [], "version": 1 })
        );
        let stored = api.store.all_events();
        assert_eq!(stored.len(), 1, "{mode:?}");
        assert_eq!(stored[0].event_type, "ContactCreated");
        assert_eq!(stored[0].aggregate_type, "contact");
    }
}

#[tokio::test]
async fn create_without_id_generates_one() {
    let api = Api::new(WriteMode::Direct);
    let response = api
        .create(json!({ "name": "Bea", "email": "bea@example.com" }))
        .await;
    assert_eq!(response.status(), 201);
    let id = body_json(&response)["contactId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(
        header(&response, "location"),
        Some(format!("/api/contacts/{id}").as_str())
    );
    assert_eq!(body_json(&response)["phone"], Value::Null);
}

#[tokio::test]
async fn create_of_a_taken_id_is_409() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let api = Api::new(mode);
        api.create(ada()).await;
        let body = assert_problem(&api.create(ada()).await, 409);
        assert_eq!(body["detail"], "contact#c1 already exists", "{mode:?}");
        assert_eq!(api.written(), 1);
    }
}

#[tokio::test]
async fn the_stored_event_carries_the_callers_trace() {
    let api = Api::new(WriteMode::Direct);
    let mut request = request("POST", "/api/contacts", Some(&ada().to_string()), &[]);
    for (name, value) in [
        ("x-trace-id", "trace-9"),
        ("x-span-id", "span-8"),
        ("x-source", "crm-ui"),
        ("x-user-id", "u-7"),
    ] {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    assert_eq!(api.send(request).await.status(), 201);
    let trace = &api.store.all_events()[0].trace;
    assert_eq!(trace.trace_id, "trace-9");
    assert_eq!(trace.parent_span_id.as_deref(), Some("span-8"));
    assert_eq!(trace.source, "crm-ui");
    assert_eq!(trace.user_id.as_deref(), Some("u-7"));
}

#[tokio::test]
async fn bad_create_bodies_are_400_problems_and_write_nothing() {
    let api = Api::new(WriteMode::Direct);
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (r#"{"name": 5, "email": true}"#, vec!["/name", "/email"]),
        (r#"{"name": null, "email": null}"#, vec!["/name", "/email"]),
        (r#"{}"#, vec!["/name", "/email"]),
        (
            r#"{"name": "  ", "email": "not-an-email", "phone": "call me"}"#,
            vec!["/name", "/email", "/phone"],
        ),
        (
            r#"{"contactId": "a#b", "name": "A", "email": "a@b.co"}"#,
            vec!["/contactId"],
        ),
        (
            r#"{"contactId": "", "name": "A", "email": "a@b.co"}"#,
            vec!["/contactId"],
        ),
        (
            r#"{"name": "A", "email": "a@b.co", "nmae": "typo"}"#,
            vec!["/nmae"],
        ),
    ];
    for (body, pointers) in cases {
        let response = api
            .send(request("POST", "/api/contacts", Some(body), &[]))
            .await;
        let problem = assert_problem(&response, 400);
        let reported = http_api::testing::pointers(&problem);
        assert_eq!(reported, pointers, "for {body}");
    }
    for body in ["{not json", "[1,2]", "\"text\"", ""] {
        let response = api
            .send(request("POST", "/api/contacts", Some(body), &[]))
            .await;
        assert_problem(&response, 400);
    }
    assert_eq!(api.written(), 0);
}

#[tokio::test]
async fn bodies_over_64_kib_are_413_and_wrong_media_types_415() {
    let api = Api::new(WriteMode::Direct);
    let huge =
        json!({ "name": "A", "email": "a@b.co", "phone": "1".repeat(70 * 1024) }).to_string();
    assert_problem(
        &api.send(request("POST", "/api/contacts", Some(&huge), &[]))
            .await,
        413,
    );
    let mut form = request("POST", "/api/contacts", Some("name=A"), &[]);
    form.headers_mut().insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    assert_problem(&api.send(form).await, 415);
    assert_eq!(api.written(), 0);
}

#[tokio::test]
async fn get_answers_the_contact_with_its_etag() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let response = api.at("GET", "c1", None, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag"), Some("\"1\""));
    assert_eq!(body_json(&response)["name"], "Ada Lovelace");
    assert_problem(&api.at("GET", "nobody", None, None).await, 404);
    assert_problem(&api.at("GET", "bad%20id", None, None).await, 400);
}

#[tokio::test]
async fn patch_changes_only_the_fields_given() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let response = api
        .at(
            "PATCH",
            "c1",
            Some(json!({ "email": "ada@lovelace.org" })),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag"), Some("\"2\""));
    assert_eq!(
        body_json(&response),
        json!({ "contactId": "c1", "name": "Ada Lovelace", "email": "ada@lovelace.org", "phone": "+44 20 7946 0000", "clients": [], "version": 2 })
    );
    let response = api
        .at("PATCH", "c1", Some(json!({ "phone": null })), None)
        .await;
    assert_eq!(body_json(&response)["phone"], Value::Null);
    assert_eq!(
        body_json(&api.at("GET", "c1", None, None).await)["version"],
        3
    );
}

#[tokio::test]
async fn put_replaces_the_contact() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let response = api
        .at(
            "PUT",
            "c1",
            Some(json!({ "name": "Ada King", "email": "ada@king.org" })),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body_json(&response),
        json!({ "contactId": "c1", "name": "Ada King", "email": "ada@king.org", "phone": null, "clients": [], "version": 2 })
    );
    // PUT needs the whole contact.
    let problem = assert_problem(
        &api.at("PUT", "c1", Some(json!({ "name": "X" })), None)
            .await,
        400,
    );
    assert_eq!(problem["errors"][0]["pointer"], "/email");
}

#[tokio::test]
async fn an_edit_that_changes_nothing_records_nothing() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let response = api
        .at("PATCH", "c1", Some(json!({ "name": "Ada Lovelace" })), None)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(body_json(&response)["version"], 1);
    assert_eq!(api.written(), 1);
}

#[tokio::test]
async fn bad_edits_are_400_and_write_nothing() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    for body in [
        json!({}),
        json!({ "name": null }),
        json!({ "email": 3 }),
        json!({ "contactId": "c2" }),
        json!({ "colour": "red" }),
    ] {
        assert_problem(&api.at("PATCH", "c1", Some(body), None).await, 400);
    }
    assert_problem(
        &api.at("PATCH", "bad%23id", Some(json!({ "name": "X" })), None)
            .await,
        400,
    );
    assert_eq!(api.written(), 1);
}

#[tokio::test]
async fn if_match_is_honoured_on_put_patch_and_delete() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let change = || Some(json!({ "name": "Ada B" }));
    assert_problem(&api.at("PATCH", "c1", change(), Some("\"7\"")).await, 412);
    assert_problem(
        &api.at(
            "PUT",
            "c1",
            Some(json!({ "name": "A", "email": "a@b.co" })),
            Some("\"0\""),
        )
        .await,
        412,
    );
    assert_problem(&api.at("PATCH", "c1", change(), Some("garbage")).await, 412);
    assert_problem(&api.at("DELETE", "c1", None, Some("\"2\"")).await, 412);
    assert_eq!(api.written(), 1);
    assert_eq!(
        api.at("PATCH", "c1", change(), Some("\"1\""))
            .await
            .status(),
        200
    );
    assert_eq!(
        api.at(
            "PATCH",
            "c1",
            Some(json!({ "name": "Ada C" })),
            Some("W/\"2\"")
        )
        .await
        .status(),
        200
    );
    assert_eq!(api.at("DELETE", "c1", None, Some("*")).await.status(), 204);
}

#[tokio::test]
async fn a_deleted_contact_is_gone_for_reads_and_edits() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    let response = api.at("DELETE", "c1", None, None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "etag"), Some("\"2\""));
    assert_problem(&api.at("GET", "c1", None, None).await, 404);
    assert_problem(
        &api.at("PATCH", "c1", Some(json!({ "name": "Zombie" })), None)
            .await,
        404,
    );
    assert_problem(&api.at("DELETE", "c1", None, None).await, 404);
    assert_problem(&api.at("DELETE", "nobody", None, None).await, 404);
    // The id stays taken: its stream exists.
    assert_problem(&api.create(ada()).await, 409);
    assert_eq!(api.written(), 2);
}

/// Plants a link as link-contact writes it: on the client's stream and the contact's.
async fn plant_link(api: &Api, client_id: &str, contact_version: u64) {
    use event_sourcing::{EventStore, NewEvent, PendingAppend, StreamId};
    let link = json!({ "clientId": client_id, "contactId": "c1" });
    let event = |event_type: &str| NewEvent {
        event_type: event_type.into(),
        schema_version: 1,
        payload: link.clone(),
        personal: None,
    };
    let trace = event_sourcing::TraceContext::from_hints(
        &Default::default(),
        time::OffsetDateTime::now_utc(),
    );
    let mut events = PendingAppend {
        stream: StreamId::new("client", client_id),
        expected_version: 0,
        snapshot: None,
        events: vec![event("ClientCreated"), event("ContactLinked")],
    }
    .into_envelopes(&trace, time::OffsetDateTime::now_utc(), None);
    events.extend(
        PendingAppend {
            stream: StreamId::new("contact", "c1"),
            expected_version: contact_version,
            snapshot: None,
            events: vec![event("LinkedToClient")],
        }
        .into_envelopes(&trace, time::OffsetDateTime::now_utc(), None),
    );
    api.store.append(&events).await.unwrap();
}

#[tokio::test]
async fn deleting_a_linked_contact_needs_cascade() {
    let api = Api::new(WriteMode::Direct);
    api.create(ada()).await;
    plant_link(&api, "k1", 1).await;
    plant_link(&api, "k2", 2).await;
    assert_eq!(
        body_json(&api.at("GET", "c1", None, None).await)["clients"],
        json!(["k1", "k2"])
    );
    let before = api.written();

    let refused = assert_problem(&api.at("DELETE", "c1", None, None).await, 409);
    assert!(
        refused["detail"].as_str().unwrap().contains("k1, k2"),
        "{refused}"
    );
    assert_eq!(api.written(), before, "a refused delete wrote something");

    let response = api
        .call("DELETE", "/api/contacts/c1?cascade=true", None)
        .await;
    assert_eq!(response.status(), 204);
    let events = api.store.all_events();
    assert_eq!(
        events.len(),
        before + 3,
        "the deletion and one unlink per client"
    );
    let deleted = events
        .iter()
        .find(|e| e.event_type == "ContactDeleted")
        .unwrap();
    for client in ["k1", "k2"] {
        let unlink = events
            .iter()
            .find(|e| e.event_type == "ContactUnlinked" && e.aggregate_id == client)
            .unwrap();
        assert_eq!(
            unlink.version, 3,
            "appended at the client's real next version"
        );
        assert_eq!(
            unlink.payload,
            json!({ "clientId": client, "contactId": "c1", "cause": "contactDeleted" })
        );
        assert_eq!(unlink.causation_id, Some(deleted.event_id));
        assert_eq!(unlink.trace.trace_id, deleted.trace.trace_id);
    }
    assert_problem(&api.at("GET", "c1", None, None).await, 404);
}
