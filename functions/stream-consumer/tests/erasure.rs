//! The right to be forgotten, end to end on DynamoDB (moto): after `POST .../erase`, no table
//! holds the person's strings, in either write mode, and a rebuild of the projections brings
//! none of them back. The streams stay whole: versions, types and trace remain.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use shared::personal::ERASED;
use shared::projection::ProjectionStore;
use shared::store::DynamoEventStore;
use shared::testing::{
    body_json, fresh_dynamo_key_store, fresh_dynamo_projection_store, fresh_dynamo_store,
    moto_client, RequestCounter, TestApi,
};
use shared::WriteMode;
use support::{insert_record, stream_event};

/// Everything the system knows about Ada that is hers: no table may hold any of it after.
const ADA: [&str; 5] = [
    "Lovelace",
    "ada.lovelace@example.org",
    "7946 0123",
    "analytical engine",
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
async fn project(events: &DynamoEventStore, api: &TestApi<DynamoEventStore>, views: Arc<dyn ProjectionStore>) {
    let stored = events.scan_all().await.unwrap();
    let records = stored.iter().enumerate().map(|(i, e)| insert_record(e, i as u64)).collect();
    let consumer = stream_consumer::consumer(views, api.app.store.clone());
    let response = stream_consumer::handle(&consumer, stream_event(records)).await;
    assert!(response.batch_item_failures.is_empty());
}

async fn call(api: &TestApi<DynamoEventStore>, method: &str, path: &str, body: Option<Value>) -> Value {
    let response = api.call(method, path, body).await;
    assert!(response.status().is_success(), "{method} {path}: {:?}", response.body());
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
            .with_key_store(keys.clone());

        call(&api, "POST", "/api/contacts", Some(json!({ "contactId": "c1", "name": "Ada Lovelace", "email": "ada.lovelace@example.org", "phone": "+44 20 7946 0123" }))).await;
        call(&api, "PATCH", "/api/contacts/c1", Some(json!({ "name": "Ada King Lovelace" }))).await;
        call(&api, "POST", "/api/contacts", Some(json!({ "contactId": "c2", "name": "Charles Babbage", "email": "charles@example.org" }))).await;
        call(&api, "POST", "/api/clients", Some(json!({ "clientId": "k1", "name": "Acme" }))).await;
        call(&api, "POST", "/api/clients/k1/contacts", Some(json!({ "contactId": "c1" }))).await;
        call(&api, "POST", "/api/cases", Some(json!({ "caseId": "s1", "clientId": "k1", "description": "Broken invoice run" }))).await;
        call(&api, "POST", "/api/cases/s1/interactions", Some(json!({ "description": "Discussed the analytical engine", "contactId": "c1" }))).await;
        call(&api, "POST", "/api/cases/s1/interactions", Some(json!({ "description": "Charles called back", "contactId": "c2" }))).await;
        call(&api, "POST", "/api/cases/s1/interactions", Some(json!({ "description": "Internal note" }))).await;
        let live = Arc::new(views.clone());
        project(&events, &api, live.clone()).await;

        // Before: sealed in the event store, plain in the projection (so the scans can fail).
        assert_eq!(holding_ada(&scan(events.table()).await), Vec::<&str>::new(), "{mode:?}: the event store holds only ciphertext");
        assert!(!holding_ada(&scan(views.table()).await).is_empty(), "{mode:?}");
        let export = call(&api, "GET", "/api/contacts/c1/export", None).await;
        assert_eq!(export["record"]["name"], "Ada King Lovelace");
        assert_eq!(export["interactions"][0]["description"], "Discussed the analytical engine");
        assert_eq!(export["clients"], json!([{ "clientId": "k1", "name": "Acme" }]));

        let erased = call(&api, "POST", "/api/contacts/c1/erase", None).await;
        assert_eq!(erased, json!({ "contactId": "c1", "erased": true, "version": 5 }), "{mode:?}");
        project(&events, &api, live.clone()).await;
        for table in [events.table(), views.table(), keys.table()] {
            assert_eq!(holding_ada(&scan(table).await), Vec::<&str>::new(), "{mode:?}: {table}");
        }

        // The streams stay readable: the case without her words, Charles untouched.
        let case = call(&api, "GET", "/api/cases/s1", None).await;
        let texts: Vec<&str> = case["interactions"].as_array().unwrap().iter().map(|i| i["description"].as_str().unwrap()).collect();
        assert_eq!(texts, [ERASED, "Charles called back", "Internal note"], "{mode:?}");
        assert_eq!(call(&api, "GET", "/api/contacts/c2", None).await["name"], "Charles Babbage");
        assert_eq!(call(&api, "GET", "/api/clients/k1", None).await["contacts"], json!(["c1"]));
        let history = call(&api, "GET", "/api/contacts/c1/history", None).await;
        let first = &history["items"][0];
        assert_eq!((first["version"].as_u64(), first["eventType"].as_str()), (Some(1), Some("ContactCreated")));
        assert_eq!(first["changes"], json!({ "contactId": "c1", "name": ERASED, "email": ERASED, "phone": ERASED }));
        assert!(first["traceId"].is_string());
        assert_eq!(api.call("GET", "/api/contacts/c1", None).await.status(), 410);
        assert_eq!(api.call("GET", "/api/contacts/c1/export", None).await.status(), 410);
        assert_eq!(api.call("GET", "/api/contacts?email=ada.lovelace@example.org", None).await.status(), 200);

        // Harmless twice; the id is never reused; nothing new can name her.
        assert_eq!(call(&api, "POST", "/api/contacts/c1/erase", None).await, erased);
        let reuse = api.call("POST", "/api/contacts", Some(json!({ "contactId": "c1", "name": "Someone Else", "email": "else@example.org" }))).await;
        assert_eq!(reuse.status(), 410, "an erased id stays gone");
        let naming = api.call("POST", "/api/cases/s1/interactions", Some(json!({ "description": "About Ada again", "contactId": "c1" }))).await;
        assert_eq!(naming.status(), 422);

        // A rebuild replays the sealed events: the new generation holds nothing of her either.
        stream_consumer::rebuild(&events, keys.clone(), &views, std::time::Duration::ZERO).await.unwrap();
        assert_eq!(holding_ada(&scan(views.table()).await), Vec::<&str>::new(), "{mode:?}: after the rebuild");
        assert!(scan(views.table()).await.contains("Charles Babbage"), "{mode:?}: the rebuild kept everyone else");
    }
}
