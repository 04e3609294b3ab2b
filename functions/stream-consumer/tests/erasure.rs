//! The right to be forgotten, end to end on DynamoDB (moto): after `POST .../erase`, no table
//! holds the person's strings, in either write mode, and a rebuild of the projections brings
//! none of them back. The streams stay whole: versions, types and trace remain.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use dynamodb_adapters::item::SNAPSHOT_SORT_KEY;
use dynamodb_adapters::testing::{
    fresh_dynamo_key_store, fresh_dynamo_projection_store, fresh_dynamo_store, moto_client,
    RequestCounter,
};
use dynamodb_adapters::DynamoEventStore;
use event_sourcing::personal::ERASED;
use event_sourcing::projection::ProjectionStore;
use event_sourcing::WriteMode;
use http_api::testing::body_json;
use lambda_host::testing::TestApi;
use serde_json::{json, Value};
use support::{insert_record, stream_event};

/// Notes added to the case after her interaction: enough for the case's snapshot.
const NOTES: usize = 6;

/// Everything the system knows about Ada that is hers: no table may hold any of it after.
const ADA: [&str; 8] = [
    "Lovelace",
    "ada.lovelace@example.org",
    "7946 0123",
    "analytical engine",
    // Her role on an opportunity.
    "mathematician in residence",
    // A task about her: its title and notes.
    "Bernoulli",
    "her program for the engine",
    // Her email as the lookup index keys it.
    "email#ada.lovelace",
];

/// Every item of a table, as text.
async fn scan(table: &str) -> String {
    let client = moto_client(&RequestCounter::default());
    let mut text = String::new();
    let mut start = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in page.items() {
            text.push_str(&format!("{item:?}\n"));
        }
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return text,
        }
    }
}

fn holding_ada(text: &str) -> Vec<&'static str> {
    ADA.into_iter().filter(|s| text.contains(s)).collect()
}

/// Feeds every stored item, as its stream record, to a consumer of these views.
async fn project(
    events: &DynamoEventStore,
    api: &TestApi<DynamoEventStore>,
    views: Arc<dyn ProjectionStore>,
) {
    let stored = events.scan_all().await.unwrap();
    let records = stored
        .iter()
        .enumerate()
        .map(|(i, e)| insert_record(e, i as u64))
        .collect();
    let consumer = stream_consumer::consumer(views, api.app.store.clone());
    let response = stream_consumer::handle(&consumer, stream_event(records)).await;
    assert!(response.batch_item_failures.is_empty());
}

async fn call(
    api: &TestApi<DynamoEventStore>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let response = api.call(method, path, body).await;
    assert!(
        response.status().is_success(),
        "{method} {path}: {:?}",
        response.body()
    );
    body_json(&response)
}

#[tokio::test]
async fn after_an_erasure_no_table_holds_the_persons_data_and_a_rebuild_brings_none_back() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (events, _) = fresh_dynamo_store().await;
        let events = Arc::new(events);
        let counter = RequestCounter::default();
        let views = fresh_dynamo_projection_store(&counter).await;
        let keys = Arc::new(fresh_dynamo_key_store(&counter).await);
        let api = TestApi::on(stream_consumer::registries(), events.clone(), mode)
            .with_key_store(keys.clone())
            .with_views(Arc::new(views.clone()));

        // With an Idempotency-Key: its recorded answer holds her data too.
        let ada = json!({ "contactId": "c1", "name": "Ada Lovelace", "email": "ada.lovelace@example.org", "phone": "+44 20 7946 0123" });
        let keyed = [("idempotency-key", "create-ada")];
        let created = api
            .call_with("POST", "/api/contacts", Some(ada.clone()), &keyed)
            .await;
        assert_eq!(created.status(), 201);
        let replayed = api
            .call_with("POST", "/api/contacts", Some(ada.clone()), &keyed)
            .await;
        assert_eq!(
            body_json(&replayed)["name"],
            "Ada Lovelace",
            "{mode:?}: the sealed record replays"
        );
        let renamed = json!({ "name": "Ada King Lovelace" });
        let charles =
            json!({ "contactId": "c2", "name": "Charles Babbage", "email": "charles@example.org" });
        let acme = json!({ "clientId": "k1", "name": "Acme" });
        let link = json!({ "contactId": "c1" });
        let case = json!({ "caseId": "s1", "clientId": "k1", "description": "Broken invoice run" });
        let note = json!({ "description": "Discussed the analytical engine", "contactId": "c1" });
        for (method, path, body) in [
            ("PATCH", "/api/contacts/c1", renamed),
            ("POST", "/api/contacts", charles),
            ("POST", "/api/clients", acme),
            ("POST", "/api/clients/k1/contacts", link),
            ("POST", "/api/cases", case),
            ("POST", "/api/cases/s1/interactions", note),
            ("POST", "/api/pipelines", pipeline::fixtures::sales_body()),
            (
                "POST",
                "/api/opportunities",
                json!({ "opportunityId": "o1", "name": "Engine order",
                "clientId": "k1", "pipelineId": "p1", "amount": "100.00", "currency": "GBP",
                "closeDate": "2027-01-31", "ownerId": "u1",
                "contacts": [{ "contactId": "c1", "role": "The mathematician in residence" }] }),
            ),
            (
                "POST",
                "/api/tasks",
                json!({ "taskId": "t1", "title": "Send Ada the Bernoulli notes",
                "notes": "About her program for the engine", "dueAt": "2001-01-01T09:00:00Z",
                "assigneeId": "u1",
                "targets": [{ "type": "client", "id": "k1" }, { "type": "contact", "id": "c1" }] }),
            ),
        ] {
            call(&api, method, path, Some(body)).await;
        }
        // Keyed, about Charles: the request read Ada's words (in the case), so its recorded
        // answer is sealed under her key as well as his.
        let about_charles = json!({ "description": "Charles called back", "contactId": "c2" });
        let charles_key = [("idempotency-key", "charles-called")];
        let note_about_charles = || {
            let note = Some(about_charles.clone());
            api.call_with("POST", "/api/cases/s1/interactions", note, &charles_key)
        };
        let added = note_about_charles().await;
        assert_eq!(added.status(), 201);
        // Enough notes for a snapshot of the case: it holds her words and Charles's.
        for _ in 0..NOTES {
            call(
                &api,
                "POST",
                "/api/cases/s1/interactions",
                Some(json!({ "description": "Internal note" })),
            )
            .await;
        }
        let live = Arc::new(views.clone());
        project(&events, &api, live.clone()).await;

        // Before: sealed in the event store, plain in the projection (so the scans can fail).
        let stored = scan(events.table()).await;
        assert_eq!(
            holding_ada(&stored),
            Vec::<&str>::new(),
            "{mode:?}: the event store holds only ciphertext"
        );
        assert!(
            stored.contains(SNAPSHOT_SORT_KEY),
            "{mode:?}: a case snapshot"
        );
        assert!(
            !holding_ada(&scan(views.table()).await).is_empty(),
            "{mode:?}"
        );
        let export = call(&api, "GET", "/api/contacts/c1/export", None).await;
        assert_eq!(export["record"]["name"], "Ada King Lovelace");
        assert_eq!(
            export["interactions"][0]["description"],
            "Discussed the analytical engine"
        );
        assert_eq!(
            export["clients"],
            json!([{ "clientId": "k1", "name": "Acme" }])
        );
        assert_eq!(
            export["opportunities"],
            json!([{ "opportunityId": "o1", "name": "Engine order", "role": "The mathematician in residence", "named": true }])
        );
        assert_eq!(
            (&export["tasks"][0]["taskId"], &export["tasks"][0]["title"]),
            (&json!("t1"), &json!("Send Ada the Bernoulli notes")),
            "{mode:?}"
        );
        let listed = call(&api, "GET", "/api/clients/k1/tasks", None).await;
        assert_eq!(
            listed["items"][0]["title"], "Send Ada the Bernoulli notes",
            "{mode:?}: a list reads her task's text from its sealed stream"
        );

        let erased = call(&api, "POST", "/api/contacts/c1/erase", None).await;
        assert_eq!(
            erased,
            json!({ "contactId": "c1", "erased": true, "version": 7 }),
            "{mode:?}"
        );
        project(&events, &api, live.clone()).await;
        for table in [events.table(), views.table(), keys.table()] {
            assert_eq!(
                holding_ada(&scan(table).await),
                Vec::<&str>::new(),
                "{mode:?}: {table}"
            );
        }

        // The streams stay readable: the case without her words, Charles untouched.
        let case = call(&api, "GET", "/api/cases/s1", None).await;
        let texts: Vec<&str> = case["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["description"].as_str().unwrap())
            .collect();
        let mut expected = vec![ERASED, "Charles called back"];
        expected.extend(["Internal note"; NOTES]);
        assert_eq!(texts, expected, "{mode:?}: the snapshot no longer opens");
        assert_eq!(
            call(&api, "GET", "/api/contacts/c2", None).await["name"],
            "Charles Babbage"
        );
        // The opportunity stays valid and listed, without her role.
        let order = call(&api, "GET", "/api/opportunities/o1", None).await;
        assert_eq!(
            order["contacts"],
            json!([{ "contactId": "c1", "role": ERASED }]),
            "{mode:?}"
        );
        assert!(
            scan(views.table())
                .await
                .contains("opportunities#clientId#k1#open"),
            "{mode:?}: still listed"
        );
        assert_eq!(
            call(&api, "GET", "/api/clients/k1", None).await["contacts"],
            json!(["c1"])
        );
        // Her task stays valid and listed, its text erased; it can still be done.
        let task = call(&api, "GET", "/api/tasks/t1", None).await;
        assert_eq!(
            (&task["title"], &task["notes"], &task["overdue"]),
            (&json!(ERASED), &json!(ERASED), &json!(true)),
            "{mode:?}"
        );
        for list in [
            "/api/clients/k1/tasks",
            "/api/contacts/c1/tasks",
            "/api/tasks/overdue?assigneeId=u1",
        ] {
            let listed = call(&api, "GET", list, None).await;
            assert_eq!(
                (&listed["items"][0]["taskId"], &listed["items"][0]["title"]),
                (&json!("t1"), &json!(ERASED)),
                "{mode:?}: {list}"
            );
        }
        let retitled = api
            .call(
                "PATCH",
                "/api/tasks/t1",
                Some(json!({ "title": "About Ada again" })),
            )
            .await;
        assert_eq!(
            retitled.status(),
            410,
            "{mode:?}: her task takes no new text"
        );
        call(
            &api,
            "PATCH",
            "/api/tasks/t1",
            Some(json!({ "priority": "high" })),
        )
        .await;
        call(&api, "POST", "/api/tasks/t1/complete", None).await;
        let history = call(&api, "GET", "/api/contacts/c1/history", None).await;
        let first = &history["items"][0];
        assert_eq!(
            (first["version"].as_u64(), first["eventType"].as_str()),
            (Some(1), Some("ContactCreated"))
        );
        assert_eq!(
            first["changes"],
            json!({ "contactId": "c1", "name": ERASED, "email": ERASED, "phone": ERASED })
        );
        assert!(first["traceId"].is_string());
        assert_eq!(
            api.call("GET", "/api/contacts/c1", None).await.status(),
            410
        );
        assert_eq!(
            api.call("GET", "/api/contacts/c1/export", None)
                .await
                .status(),
            410
        );
        assert_eq!(
            api.call("GET", "/api/contacts?email=ada.lovelace@example.org", None)
                .await
                .status(),
            200
        );

        // Her keyed request's recorded answer went with her key.
        let replayed = api
            .call_with("POST", "/api/contacts", Some(ada.clone()), &keyed)
            .await;
        assert_eq!(replayed.status(), 410, "{mode:?}");
        let replayed = note_about_charles().await;
        assert_eq!(
            replayed.status(),
            410,
            "{mode:?}: the request read her words"
        );

        // Harmless twice; the id is never reused; nothing new can name her.
        assert_eq!(
            call(&api, "POST", "/api/contacts/c1/erase", None).await,
            erased
        );
        let reuse = api.call("POST", "/api/contacts", Some(json!({ "contactId": "c1", "name": "Someone Else", "email": "else@example.org" }))).await;
        assert_eq!(reuse.status(), 410, "an erased id stays gone");
        let naming = api
            .call(
                "POST",
                "/api/cases/s1/interactions",
                Some(json!({ "description": "About Ada again", "contactId": "c1" })),
            )
            .await;
        assert_eq!(naming.status(), 422);

        // A rebuild replays the sealed events: the new generation holds nothing of her either.
        stream_consumer::rebuild(&events, keys.clone(), &views, std::time::Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(
            holding_ada(&scan(views.table()).await),
            Vec::<&str>::new(),
            "{mode:?}: after the rebuild"
        );
        assert!(
            scan(views.table()).await.contains("Charles Babbage"),
            "{mode:?}: the rebuild kept everyone else"
        );
    }
}

/// Events as the code before sealing wrote them: personal data in plain text.
fn legacy_history() -> Vec<event_sourcing::EventEnvelope> {
    use support::{client_created, envelope};
    let person = |id: &str, name: &str, email: &str| {
        envelope(
            "contact",
            id,
            1,
            "ContactCreated",
            json!({ "contactId": id, "name": name, "email": email, "phone": null }),
        )
    };
    let interaction = |version: u64, id: &str, text: &str, contact: &str| {
        envelope(
            "case",
            "s9",
            version,
            "InteractionAdded",
            json!({ "caseId": "s9", "interactionId": id, "description": text, "interactionDate": "2026-01-02T10:00:00Z", "type": "note", "contactId": contact }),
        )
    };
    vec![
        person("c8", "Grace Hopper", "grace@example.org"),
        person("c9", "Alan Turing", "alan@example.org"),
        client_created("k9", "Navy"),
        envelope(
            "case",
            "s9",
            1,
            "CaseCreated",
            json!({ "caseId": "s9", "clientId": "k9", "description": "Compilers", "openedAt": "2026-01-01T09:00:00Z" }),
        ),
        interaction(2, "i8", "Grace found the moth", "c8"),
        interaction(3, "i9", "Alan cracked the enigma", "c9"),
    ]
}

const LEGACY: [&str; 6] = ["Grace", "grace@", "Turing", "alan@", "moth", "enigma"];

#[tokio::test]
async fn events_from_before_sealing_are_sealed_in_place_and_erased_with_the_rest() {
    let (events, _) = fresh_dynamo_store().await;
    let events = Arc::new(events);
    let keys = Arc::new(fresh_dynamo_key_store(&RequestCounter::default()).await);
    let api = TestApi::on(
        stream_consumer::registries(),
        events.clone(),
        WriteMode::Direct,
    )
    .with_key_store(keys.clone());
    event_sourcing::EventStore::append(events.as_ref(), &legacy_history())
        .await
        .unwrap();
    let plain = |text: &str| {
        LEGACY
            .into_iter()
            .filter(|s| text.contains(s))
            .collect::<Vec<_>>()
    };
    assert_eq!(plain(&scan(events.table()).await), LEGACY);
    assert_eq!(
        call(&api, "GET", "/api/contacts/c8", None).await["name"],
        "Grace Hopper"
    );

    // Erasing before the migration seals and shreds the person's own stream at once.
    call(&api, "POST", "/api/contacts/c9/erase", None).await;
    let stored = scan(events.table()).await;
    assert!(
        !stored.contains("Turing") && !stored.contains("alan@"),
        "{stored}"
    );
    assert!(
        stored.contains("enigma"),
        "an interaction from before mentions were recorded waits for the migration"
    );

    // The migration seals everything else; the erased person's words are blanked.
    let sealed = stream_consumer::seal_legacy_events(&events, keys.as_ref())
        .await
        .unwrap();
    assert_eq!(sealed, 3, "Grace's contact event and both interactions");
    assert_eq!(plain(&scan(events.table()).await), Vec::<&str>::new());
    assert_eq!(
        stream_consumer::seal_legacy_events(&events, keys.as_ref())
            .await
            .unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(
        call(&api, "GET", "/api/contacts/c8", None).await["name"],
        "Grace Hopper",
        "sealed, still hers to read"
    );
    let texts = |case: &Value| {
        case["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["description"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(&call(&api, "GET", "/api/cases/s9", None).await),
        ["Grace found the moth", ERASED]
    );

    call(&api, "POST", "/api/contacts/c8/erase", None).await;
    assert_eq!(
        texts(&call(&api, "GET", "/api/cases/s9", None).await),
        [ERASED, ERASED]
    );
    let versions: Vec<u64> = api
        .events("case", "s9")
        .await
        .iter()
        .map(|e| e.version)
        .collect();
    assert_eq!(versions, [1, 2, 3], "the streams stay whole");
}
