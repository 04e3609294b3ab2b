//! The contact routes against DynamoDB (moto): real conditional writes, and the number of
//! DynamoDB requests each route costs, counted by an SDK interceptor.

use std::sync::Arc;

use contact::{create_contact, delete_contact, edit_contact, get_contact};
use serde_json::json;
use shared::runtime::{dispatch, App};
use shared::testing::{assert_problem, fresh_dynamo_store, request};
use shared::WriteMode;

async fn app(mode: WriteMode) -> (App, shared::testing::RequestCounter) {
    let (store, counter) = fresh_dynamo_store().await;
    (
        App::new(
            Arc::new(store),
            contact::delete_contact::subscribers(),
            mode,
        ),
        counter,
    )
}

#[tokio::test]
async fn each_route_costs_the_fewest_dynamodb_requests() {
    for mode in [WriteMode::Direct, WriteMode::Batch] {
        let (app, counter) = app(mode).await;
        let body =
            json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" }).to_string();

        let created = dispatch(
            &app,
            request("POST", "/api/contacts", Some(&body), &[]),
            create_contact::handle,
        )
        .await;
        assert_eq!(created.status(), 201);
        assert_eq!(
            counter.operations(),
            ["TransactWriteItems"],
            "create, {mode:?}"
        );

        counter.reset();
        let patch = request(
            "PATCH",
            "/api/contacts/c1",
            Some(r#"{"name":"Ada L"}"#),
            &[("id", "c1")],
        );
        assert_eq!(
            dispatch(&app, patch, edit_contact::handle).await.status(),
            200
        );
        assert_eq!(
            counter.operations(),
            ["Query", "TransactWriteItems"],
            "edit, {mode:?}"
        );

        counter.reset();
        let get = request("GET", "/api/contacts/c1", None, &[("id", "c1")]);
        assert_eq!(dispatch(&app, get, get_contact::handle).await.status(), 200);
        assert_eq!(counter.operations(), ["Query"], "get, {mode:?}");

        counter.reset();
        let delete = request("DELETE", "/api/contacts/c1", None, &[("id", "c1")]);
        assert_eq!(
            dispatch(&app, delete, delete_contact::handle)
                .await
                .status(),
            204
        );
        assert_eq!(
            counter.operations(),
            ["Query", "TransactWriteItems"],
            "delete, {mode:?}"
        );

        counter.reset();
        let get = request("GET", "/api/contacts/c1", None, &[("id", "c1")]);
        assert_problem(&dispatch(&app, get, get_contact::handle).await, 404);
    }
}

#[tokio::test]
async fn bad_input_never_reaches_dynamodb() {
    let (app, counter) = app(WriteMode::Direct).await;
    let bad = request("POST", "/api/contacts", Some(r#"{"name": 1}"#), &[]);
    assert_problem(&dispatch(&app, bad, create_contact::handle).await, 400);
    let bad_id = request("GET", "/api/contacts/x", None, &[("id", "no#pe")]);
    assert_problem(&dispatch(&app, bad_id, get_contact::handle).await, 400);
    assert_eq!(counter.count(), 0);
}

#[tokio::test]
async fn concurrent_creates_of_one_id_have_one_winner() {
    let (app, _) = app(WriteMode::Direct).await;
    let app = Arc::new(app);
    let attempts = (0..8).map(|i| {
        let app = app.clone();
        tokio::spawn(async move {
            let body = json!({ "contactId": "same", "name": format!("Writer {i}"), "email": "w@example.com" }).to_string();
            dispatch(&app, request("POST", "/api/contacts", Some(&body), &[]), create_contact::handle)
                .await
                .status()
                .as_u16()
        })
    });
    let mut statuses: Vec<u16> = futures_join(attempts).await;
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn concurrent_edits_at_one_version_lose_none_silently() {
    let (app, _) = app(WriteMode::Direct).await;
    let app = Arc::new(app);
    let body = json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" }).to_string();
    dispatch(
        &app,
        request("POST", "/api/contacts", Some(&body), &[]),
        create_contact::handle,
    )
    .await;
    let edits = (0..6).map(|i| {
        let app = app.clone();
        tokio::spawn(async move {
            let body = json!({ "name": format!("Editor {i}") }).to_string();
            let mut edit = request("PATCH", "/api/contacts/c1", Some(&body), &[("id", "c1")]);
            edit.headers_mut()
                .insert("if-match", "\"1\"".parse().unwrap());
            dispatch(&app, edit, edit_contact::handle)
                .await
                .status()
                .as_u16()
        })
    });
    let statuses: Vec<u16> = futures_join(edits).await;
    // One edit lands; every other one is told (409 when it lost the write race, 412 when it
    // read the winner's version first).
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409, 412].contains(s)),
        "{statuses:?}"
    );
    let get = request("GET", "/api/contacts/c1", None, &[("id", "c1")]);
    let current = shared::testing::body_json(&dispatch(&app, get, get_contact::handle).await);
    assert_eq!(current["version"], 2);
}

async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut results = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        results.push(task.await.expect("task"));
    }
    results
}
