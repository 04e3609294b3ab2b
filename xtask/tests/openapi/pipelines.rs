use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_pipeline_operation_answers_as_documented() {
    let spec = Spec::load();
    let pipeline = unique("p");
    let stages = json!([
        { "stageId": "qualify", "label": "Qualify", "probability": 20 },
        { "stageId": "propose", "label": "Propose", "probability": 60 },
        { "stageId": "won", "label": "Won", "probability": 100, "outcome": "won" },
        { "stageId": "lost", "label": "Lost", "probability": 0, "outcome": "lost" },
    ]);
    let body = json!({ "pipelineId": pipeline, "name": "Sales", "stages": stages });
    expect(spec.json("POST", "/pipelines", body.clone()), 201);
    expect(spec.json("POST", "/pipelines", body), 409);
    expect(
        spec.json(
            "POST",
            "/pipelines",
            json!({ "name": "No stages", "stages": [] }),
        ),
        400,
    );
    let path = format!("/pipelines/{pipeline}");
    let none = format!("/pipelines/{}", unique("none"));
    expect(spec.get(&path), 200);
    expect(spec.get(&none), 404);
    expect(spec.get("/pipelines/bad~id"), 400);

    let stages_path = format!("{path}/stages");
    expect(
        spec.json(
            "POST",
            &stages_path,
            json!({ "stageId": "demo", "label": "Demo", "probability": 40 }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            &stages_path,
            json!({ "label": "DEMO", "probability": 40 }),
        ),
        409,
    );
    expect(
        spec.json(
            "POST",
            &stages_path,
            json!({ "label": "Late", "probability": 40, "position": 9 }),
        ),
        422,
    );
    expect(
        spec.json(
            "POST",
            &stages_path,
            json!({ "label": "Odd", "probability": 101 }),
        ),
        400,
    );
    expect(
        spec.json(
            "POST",
            &format!("{none}/stages"),
            json!({ "label": "Demo", "probability": 40 }),
        ),
        404,
    );

    let demo = format!("{stages_path}/demo");
    expect(
        spec.json("PATCH", &demo, json!({ "probability": 45, "position": 0 })),
        200,
    );
    expect(spec.json("PATCH", &demo, json!({})), 400);
    expect(
        spec.json("PATCH", &demo, json!({ "label": "Propose" })),
        409,
    );
    expect(
        spec.json(
            "PATCH",
            &format!("{stages_path}/won"),
            json!({ "probability": 50 }),
        ),
        422,
    );
    expect(
        spec.json(
            "PATCH",
            &format!("{stages_path}/gone"),
            json!({ "label": "X" }),
        ),
        404,
    );
    let stale = Some(("application/json", r#"{"label":"Demo call"}"#.into()));
    expect(
        spec.call("PATCH", &demo, stale, &[("if-match", "\"1\"")]),
        412,
    );

    expect(
        spec.call("POST", &format!("{demo}/archive"), None, &[]),
        200,
    );
    expect(
        spec.call("POST", &format!("{demo}/archive"), None, &[]),
        409,
    );
    expect(
        spec.call("POST", &format!("{stages_path}/won/archive"), None, &[]),
        409,
    );
    expect(
        spec.call("POST", &format!("{stages_path}/gone/archive"), None, &[]),
        404,
    );

    spec.eventually("/pipelines?limit=100", &pipeline);
    expect(spec.get("/pipelines?limit=2"), 200);
    expect(spec.get("/pipelines?limit=1000"), 400);
    crate::the_past_reads_as_documented(&spec, &path, &none);

    // Its figures, with no opportunity yet: every stage, counted 0.
    let summary = expect(spec.get(&format!("{path}/summary")), 200);
    assert_eq!(summary.body["stages"].as_array().map(Vec::len), Some(5));
    expect(spec.get(&format!("{path}/summary?asOf=soon")), 400);
    expect(spec.get(&format!("{none}/summary")), 404);
    expect(
        spec.get(&format!("{path}/forecast?from=2027-01-01&to=2027-01-31")),
        200,
    );
    expect(spec.get(&format!("{path}/forecast?to=2027-01-31")), 400);
    expect(
        spec.get(&format!("{none}/forecast?from=2027-01-01&to=2027-01-31")),
        404,
    );
    expect(spec.get(&format!("{path}/velocity")), 200);
    expect(spec.get(&format!("{none}/velocity")), 404);
    spec.assert_covered("/api/pipelines");
}
