//! Cross-aggregate transactions against DynamoDB (moto): the cascade, and races.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use common::Api;
use dynamodb_adapters::testing::fresh_dynamo_store;
use event_sourcing::store::Storage;
use event_sourcing::testing::{Hooked, StoreCall, StoreHooks};
use event_sourcing::trace::TraceContext;
use event_sourcing::{NewEvent, PendingAppend, StreamId, WriteMode};
use http_api::testing::{assert_problem, body_json};
use serde_json::json;

/// Lets a rival write land on one stream right after it is read: the race a cascade meets
/// when a client changes between the subscriber's read and the transaction.
struct RivalWriteAfterLoad {
    target: StreamId,
    fired: AtomicBool,
}

#[async_trait]
impl StoreHooks for RivalWriteAfterLoad {
    async fn after(&self, call: StoreCall<'_>, store: &dyn Storage) {
        let (StoreCall::Load(stream) | StoreCall::LoadTail(stream)) = call else {
            return;
        };
        if *stream != self.target || self.fired.swap(true, Ordering::SeqCst) {
            return;
        }
        let events = store.load(stream).await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        let rival = PendingAppend {
            stream: stream.clone(),
            expected_version: events.last().map_or(0, |e| e.version),
            snapshot: None,
            events: vec![NewEvent {
                event_type: "ClientEdited".into(),
                schema_version: 1,
                payload: json!({ "clientId": stream.aggregate_id, "name": "Renamed meanwhile" }),
                personal: None,
            }],
        }
        .into_envelopes(
            &TraceContext::from_hints(&Default::default(), now),
            now,
            None,
        );
        store.append(&rival).await.unwrap();
    }
}

async fn linked_to_two_clients(api: &Api) {
    api.call(
        "POST",
        "/api/contacts",
        Some(json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })),
    )
    .await;
    for client in ["k1", "k2"] {
        let created = api
            .call(
                "POST",
                "/api/clients",
                Some(json!({ "clientId": client, "name": client })),
            )
            .await;
        assert_eq!(created.status(), 201);
        common::link(api, client, "c1").await;
    }
}

#[tokio::test]
async fn cascade_delete_is_one_transaction_with_real_versions() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (store, counter) = fresh_dynamo_store().await;
        let api = common::api(Arc::new(store), mode);
        linked_to_two_clients(&api).await;
        counter.reset();
        assert_eq!(
            api.call("DELETE", "/api/contacts/c1?cascade=true", None)
                .await
                .status(),
            204
        );
        let writes = counter
            .operations()
            .iter()
            .filter(|o| *o == "TransactWriteItems")
            .count();
        assert_eq!(
            writes, 1,
            "the deletion and both unlinks in one transaction ({mode:?})"
        );
        for client in ["k1", "k2"] {
            let events = api.events("client", client).await;
            let last = events.last().unwrap();
            assert_eq!(
                (last.event_type.as_str(), last.version),
                ("ContactUnlinked", 3)
            );
        }
    }
}

/// c1 linked to k1 and k2 on a fresh store (and the API that set them up), and an API on the
/// same store where a rival edit lands on k2 right after a command first reads it.
async fn racing_on_k2(mode: WriteMode) -> (Arc<dyn Storage>, Api, Api) {
    let (store, _) = fresh_dynamo_store().await;
    let store: Arc<dyn Storage> = Arc::new(store);
    let setup = common::api(store.clone(), mode);
    linked_to_two_clients(&setup).await;
    let racing = Arc::new(Hooked {
        inner: store.clone(),
        hooks: RivalWriteAfterLoad {
            target: StreamId::new("client", "k2"),
            fired: AtomicBool::new(false),
        },
    });
    let api = common::api(racing, mode).with_keys_of(&setup);
    (store, setup, api)
}

#[tokio::test]
async fn a_conflict_on_one_client_rolls_back_the_whole_cascade() {
    let (store, setup, api) = racing_on_k2(WriteMode::Direct).await;
    // Pinned to the version read (If-Match), the command is not decided again: a 409.
    let conflict = assert_problem(
        &api.call_with(
            "DELETE",
            "/api/contacts/c1?cascade=true",
            None,
            &[("if-match", "\"3\"")],
        )
        .await,
        409,
    );
    assert!(
        conflict["detail"].as_str().unwrap().contains("client#k2"),
        "{conflict}"
    );

    // Nothing of the cascade landed: the contact lives, k1 still lists it, k2 has only the rival.
    let after = common::api(store, WriteMode::Direct).with_keys_of(&setup);
    assert_eq!(
        body_json(&after.call("GET", "/api/contacts/c1", None).await)["clients"],
        json!(["k1", "k2"])
    );
    assert_eq!(
        body_json(&after.call("GET", "/api/clients/k1", None).await)["contacts"],
        json!(["c1"])
    );
    let k2: Vec<String> = after
        .events("client", "k2")
        .await
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(k2, ["ClientCreated", "ContactLinked", "ClientEdited"]);
    // A retry sees the new versions and succeeds.
    assert_eq!(
        after
            .call("DELETE", "/api/contacts/c1?cascade=true", None)
            .await
            .status(),
        204
    );
}

/// Unpinned (no If-Match), a command that lost a race to a rival write is decided again on
/// what is there now: the rival's edit stays and the cascade lands after it.
#[tokio::test]
async fn an_unpinned_command_that_loses_a_race_is_decided_again() {
    // In batch mode the race is lost at the flush, after the handler answered: the same.
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (_, _, api) = racing_on_k2(mode).await;
        assert_eq!(
            api.call("DELETE", "/api/contacts/c1?cascade=true", None)
                .await
                .status(),
            204,
            "{mode:?}"
        );
        let k2: Vec<String> = api
            .events("client", "k2")
            .await
            .into_iter()
            .map(|e| e.event_type)
            .collect();
        assert_eq!(
            k2,
            [
                "ClientCreated",
                "ContactLinked",
                "ClientEdited",
                "ContactUnlinked"
            ],
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn two_concurrent_links_of_one_contact_have_one_winner() {
    let (store, _) = fresh_dynamo_store().await;
    let api = Arc::new(common::api(Arc::new(store), WriteMode::Direct));
    api.call(
        "POST",
        "/api/contacts",
        Some(json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })),
    )
    .await;
    api.call(
        "POST",
        "/api/clients",
        Some(json!({ "clientId": "k1", "name": "Acme" })),
    )
    .await;
    for round in 0..5 {
        let links = (0..2).map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                api.call(
                    "POST",
                    "/api/clients/k1/contacts",
                    Some(json!({ "contactId": "c1" })),
                )
                .await
                .status()
                .as_u16()
            })
        });
        let mut statuses = Vec::new();
        for link in links.collect::<Vec<_>>() {
            statuses.push(link.await.unwrap());
        }
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}");
        let linked = api
            .events("contact", "c1")
            .await
            .iter()
            .filter(|e| e.event_type == "LinkedToClient")
            .count();
        assert_eq!(
            linked,
            round + 1,
            "the contact records each link exactly once"
        );
        assert_eq!(
            api.call("DELETE", "/api/clients/k1/contacts/c1", None)
                .await
                .status(),
            204
        );
    }
}

#[tokio::test]
async fn a_link_racing_a_delete_never_leaves_a_dangling_link() {
    let (store, _) = fresh_dynamo_store().await;
    let api = Arc::new(common::api(Arc::new(store), WriteMode::Direct));
    for round in 0..4 {
        let contact = format!("c{round}");
        api.call(
            "POST",
            "/api/contacts",
            Some(json!({ "contactId": contact, "name": "Ada", "email": "ada@example.com" })),
        )
        .await;
        api.call(
            "POST",
            "/api/clients",
            Some(json!({ "clientId": format!("k{round}"), "name": "Acme" })),
        )
        .await;
        let (link, delete) = {
            let (a, b) = (api.clone(), api.clone());
            let (c1, c2) = (contact.clone(), contact.clone());
            (
                tokio::spawn(async move {
                    a.call(
                        "POST",
                        &format!("/api/clients/k{round}/contacts"),
                        Some(json!({ "contactId": c1 })),
                    )
                    .await
                    .status()
                    .as_u16()
                }),
                tokio::spawn(async move {
                    b.call("DELETE", &format!("/api/contacts/{c2}"), None)
                        .await
                        .status()
                        .as_u16()
                }),
            )
        };
        let (link, delete) = (link.await.unwrap(), delete.await.unwrap());
        let client = body_json(
            &api.call("GET", &format!("/api/clients/k{round}"), None)
                .await,
        );
        let contact_alive = api
            .call("GET", &format!("/api/contacts/{contact}"), None)
            .await
            .status()
            == 200;
        match (link, delete) {
            (201, 409) => assert!(contact_alive && client["contacts"] == json!([contact])),
            (422 | 409, 204) => assert!(!contact_alive && client["contacts"] == json!([])),
            other => panic!("both or neither won: {other:?}"),
        }
    }
}
