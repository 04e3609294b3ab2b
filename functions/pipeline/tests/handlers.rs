//! Pipeline routes on the in-memory store: the contract's shapes, every field error at once,
//! the stage rules as status codes, and the pipeline as it stood at a past version.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use http_api::testing::{assert_problem, body_json, pointers};
use lambda_host::testing::TestApi;
use pipeline::fixtures::sales_body;
use serde_json::{json, Value};

fn api() -> TestApi {
    TestApi::in_memory([pipeline::registry()])
}

fn stage_ids(pipeline: &Value) -> Vec<&str> {
    pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stage| stage["stageId"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_pipeline_is_created_read_and_its_stages_reshaped() {
    let api = api();
    let created = api
        .call_expecting(201, "POST", "/api/pipelines", Some(sales_body()))
        .await;
    assert_eq!(created.headers()["location"], "/api/pipelines/p1");
    assert_eq!(created.headers()["etag"], "\"1\"");
    let body = body_json(&created);
    assert_eq!(body["version"], 1);
    assert_eq!(
        body["stages"][0],
        json!({ "stageId": "qualify", "label": "Qualify", "probability": 20, "outcome": "open", "archived": false })
    );
    assert_eq!(body["stages"][3]["outcome"], "lost");

    let added = api
        .call_expecting(
            201,
            "POST",
            "/api/pipelines/p1/stages",
            Some(json!({ "stageId": "demo", "label": "Demo", "probability": 40 })),
        )
        .await;
    assert_eq!(
        stage_ids(&body_json(&added)),
        ["qualify", "propose", "demo", "won", "lost"]
    );
    let moved = api
        .call_expecting(
            200,
            "PATCH",
            "/api/pipelines/p1/stages/demo",
            Some(json!({ "position": 0, "probability": 10, "label": "First call" })),
        )
        .await;
    let moved = body_json(&moved);
    assert_eq!(
        stage_ids(&moved),
        ["demo", "qualify", "propose", "won", "lost"]
    );
    assert_eq!(moved["stages"][0]["label"], "First call");
    let archived = api
        .call_expecting(
            200,
            "POST",
            "/api/pipelines/p1/stages/qualify/archive",
            None,
        )
        .await;
    assert_eq!(body_json(&archived)["stages"][1]["archived"], true);
    assert_eq!(body_json(&archived)["version"], 4);

    // The pipeline as it stood at version 2: the demo stage just added, before the won stage.
    let then = api
        .call_expecting(200, "GET", "/api/pipelines/p1?version=2", None)
        .await;
    assert_eq!(then.headers()["etag"], "\"2\"");
    let then = body_json(&then);
    assert_eq!(
        stage_ids(&then),
        ["qualify", "propose", "demo", "won", "lost"]
    );
    assert_eq!(then["stages"][2]["probability"], 40);

    // The history keeps what a stage was before its edit.
    let history = api
        .call_expecting(200, "GET", "/api/pipelines/p1/history", None)
        .await;
    let edit = &body_json(&history)["items"][2];
    assert_eq!(edit["eventType"], "StageEdited", "{edit}");
    assert_eq!(edit["changes"]["previousProbability"], 40, "{edit}");
}

#[tokio::test]
async fn a_pipeline_with_broken_stages_is_refused_with_every_error_at_once() {
    let api = api();
    let response = api
        .call(
            "POST",
            "/api/pipelines",
            Some(json!({ "name": "", "stages": [
                { "label": "Qualify", "probability": 120 },
                { "label": "qualify", "probability": 20, "outcome": "maybe" },
                { "label": "Won", "probability": 90, "outcome": "won" },
                { "label": "Lost", "probability": 0, "outcome": "lost", "colour": "red" },
                "Negotiate",
            ] })),
        )
        .await;
    let problem = assert_problem(&response, 400);
    let pointers = pointers(&problem);
    assert_eq!(
        pointers,
        [
            "/name",
            "/stages/0/probability",
            "/stages/1/outcome",
            "/stages/3/colour",
            "/stages/4",
        ],
        "{problem}"
    );

    // Once each stage reads well, the rules across them are named together.
    let response = api
        .call(
            "POST",
            "/api/pipelines",
            Some(json!({ "name": "Sales", "stages": [
                { "label": "Qualify", "probability": 20 },
                { "label": " QUALIFY", "probability": 20 },
                { "label": "Won", "probability": 90, "outcome": "won" },
            ] })),
        )
        .await;
    let problem = assert_problem(&response, 400);
    let errors: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["pointer"].as_str().unwrap(),
                e["detail"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "/stages/1/label is used by an earlier stage (labels are unique whatever their case)",
            "/stages/2/probability must be 100 for the won stage",
            "/stages must hold exactly one lost stage",
        ]
    );
    for stages in [json!([]), json!("stages"), Value::Null] {
        let response = api
            .call(
                "POST",
                "/api/pipelines",
                Some(json!({ "name": "Sales", "stages": stages })),
            )
            .await;
        assert_eq!(
            assert_problem(&response, 400)["errors"][0]["pointer"],
            "/stages"
        );
    }
    assert!(api.events("pipeline", "p1").await.is_empty());
}

#[tokio::test]
async fn the_stage_rules_answer_as_conflicts_and_unprocessable_requests() {
    let api = api();
    api.call_expecting(201, "POST", "/api/pipelines", Some(sales_body()))
        .await;
    let cases = [
        ("POST", "/api/pipelines", Some(sales_body()), 409),
        (
            "POST",
            "/api/pipelines/p1/stages",
            Some(json!({ "label": "propose", "probability": 50 })),
            409,
        ),
        (
            "POST",
            "/api/pipelines/p1/stages",
            Some(json!({ "label": "Demo", "probability": 50, "position": 5 })),
            422,
        ),
        (
            "POST",
            "/api/pipelines/p1/stages",
            Some(json!({ "label": "Demo", "probability": 50.5, "position": -1 })),
            400,
        ),
        (
            "PATCH",
            "/api/pipelines/p1/stages/won",
            Some(json!({ "probability": 80 })),
            422,
        ),
        (
            "PATCH",
            "/api/pipelines/p1/stages/won",
            Some(json!({})),
            400,
        ),
        (
            "PATCH",
            "/api/pipelines/p1/stages/won",
            Some(json!({ "label": null })),
            400,
        ),
        (
            "PATCH",
            "/api/pipelines/p1/stages/nope",
            Some(json!({ "label": "X" })),
            404,
        ),
        ("POST", "/api/pipelines/p1/stages/won/archive", None, 409),
        ("POST", "/api/pipelines/p1/stages/lost/archive", None, 409),
        ("POST", "/api/pipelines/p2/stages/lost/archive", None, 404),
        ("GET", "/api/pipelines/p2", None, 404),
    ];
    for (method, path, body, status) in cases {
        let response = api.call(method, path, body.clone()).await;
        assert_problem(&response, status);
    }
    api.call_expecting(
        200,
        "POST",
        "/api/pipelines/p1/stages/qualify/archive",
        None,
    )
    .await;
    let last_open = api
        .call("POST", "/api/pipelines/p1/stages/propose/archive", None)
        .await;
    assert_problem(&last_open, 409);
    // Nothing refused was written.
    assert_eq!(api.events("pipeline", "p1").await.len(), 2);

    let stale = api
        .call_with(
            "PATCH",
            "/api/pipelines/p1/stages/propose",
            Some(json!({ "probability": 70 })),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_problem(&stale, 412);
}
