use serde_json::json;

use crate::common::unique;
use crate::spec::{expect, Spec};

#[test]
fn every_opportunity_operation_answers_as_documented() {
    let spec = Spec::load();
    let (client, contact) = crate::client_and_contact(&spec);
    let pipeline = unique("p");
    expect(
        spec.json(
            "POST",
            "/pipelines",
            json!({ "pipelineId": pipeline, "name": "Sales", "stages": [
                { "stageId": "qualify", "label": "Qualify", "probability": 20 },
                { "stageId": "propose", "label": "Propose", "probability": 60 },
                { "stageId": "won", "label": "Won", "probability": 100, "outcome": "won" },
                { "stageId": "lost", "label": "Lost", "probability": 0, "outcome": "lost" },
            ] }),
        ),
        201,
    );
    let opportunity = unique("o");
    let owner = unique("u");
    let body = json!({ "opportunityId": opportunity, "name": "Renewal", "clientId": client,
        "pipelineId": pipeline, "amount": "12500", "currency": "EUR", "closeDate": "2027-03-31",
        "ownerId": owner });
    expect(spec.json("POST", "/opportunities", body.clone()), 201);
    expect(spec.json("POST", "/opportunities", body.clone()), 409);
    let mut jpy = body.clone();
    jpy["amount"] = json!("1.5");
    jpy["currency"] = json!("JPY");
    expect(spec.json("POST", "/opportunities", jpy), 400);
    let mut ghost = body.clone();
    ghost["opportunityId"] = json!(unique("o"));
    ghost["clientId"] = json!(unique("ghost"));
    expect(spec.json("POST", "/opportunities", ghost), 422);

    let path = format!("/opportunities/{opportunity}");
    let none = format!("/opportunities/{}", unique("none"));
    expect(spec.get(&path), 200);
    expect(spec.get(&none), 404);
    expect(
        spec.json(
            "PATCH",
            &path,
            json!({ "amount": "14000.00", "currency": "EUR" }),
        ),
        200,
    );
    expect(spec.json("PATCH", &path, json!({ "currency": "USD" })), 400);
    let stale = Some(("application/json", r#"{"name":"X"}"#.into()));
    expect(
        spec.call("PATCH", &path, stale, &[("if-match", "\"1\"")]),
        412,
    );
    expect(spec.json("PATCH", &none, json!({ "name": "X" })), 404);

    let people = format!("{path}/contacts");
    expect(
        spec.json(
            "POST",
            &people,
            json!({ "contactId": contact, "role": "Sponsor" }),
        ),
        201,
    );
    expect(
        spec.json("POST", &people, json!({ "contactId": contact })),
        409,
    );
    expect(
        spec.json("POST", &people, json!({ "contactId": unique("ghost") })),
        422,
    );
    expect(spec.json("POST", &people, json!({ "role": 3 })), 400);
    expect(
        spec.json(
            "POST",
            &format!("{none}/contacts"),
            json!({ "contactId": contact }),
        ),
        404,
    );
    expect(
        spec.call("DELETE", &format!("{people}/{contact}"), None, &[]),
        204,
    );
    expect(
        spec.call("DELETE", &format!("{people}/{contact}"), None, &[]),
        404,
    );
    expect(
        spec.call(
            "DELETE",
            &format!("{people}/{contact}"),
            None,
            &[("if-match", "\"1\"")],
        ),
        412,
    );

    let stage = format!("{path}/stage");
    expect(
        spec.json("POST", &stage, json!({ "stageId": "propose" })),
        200,
    );
    expect(
        spec.json("POST", &stage, json!({ "stageId": "propose" })),
        409,
    );
    expect(spec.json("POST", &stage, json!({ "stageId": "won" })), 422);
    expect(spec.json("POST", &stage, json!({})), 400);
    expect(
        spec.json(
            "POST",
            &format!("{none}/stage"),
            json!({ "stageId": "propose" }),
        ),
        404,
    );

    expect(spec.json("POST", &format!("{path}/lost"), json!({})), 400);
    expect(
        spec.json(
            "POST",
            &format!("{path}/lost"),
            json!({ "reason": "Budget" }),
        ),
        200,
    );
    expect(spec.json("POST", &format!("{path}/won"), json!({})), 409);
    expect(spec.json("PATCH", &path, json!({ "name": "X" })), 409);
    expect(spec.json("POST", &format!("{path}/reopen"), json!({})), 200);
    expect(spec.json("POST", &format!("{path}/reopen"), json!({})), 409);
    expect(spec.json("POST", &format!("{none}/reopen"), json!({})), 404);
    expect(
        spec.json(
            "POST",
            &format!("{path}/won"),
            json!({ "closedAt": "2001-01-01T00:00:00Z" }),
        ),
        422,
    );
    expect(spec.json("POST", &format!("{none}/won"), json!({})), 404);
    expect(
        spec.json("POST", &format!("{none}/lost"), json!({ "reason": "x" })),
        404,
    );
    expect(spec.json("POST", &format!("{path}/won"), json!({})), 200);
    expect(
        spec.json(
            "POST",
            &format!("{path}/reopen"),
            json!({ "stageId": "lost" }),
        ),
        422,
    );

    // The read models, once the stream consumer has caught up.
    spec.eventually(
        &format!("/opportunities?ownerId={owner}&status=won"),
        &opportunity,
    );
    for query in [
        format!("clientId={client}&status=all"),
        format!("pipelineId={pipeline}&status=won"),
        format!("pipelineId={pipeline}&stageId=won&status=all&limit=5"),
    ] {
        spec.eventually(&format!("/opportunities?{query}"), &opportunity);
    }
    expect(spec.get(&format!("/opportunities?clientId={client}")), 200);
    expect(spec.get("/opportunities"), 400);
    expect(
        spec.get(&format!("/opportunities?clientId={client}&ownerId={owner}")),
        400,
    );
    expect(spec.get("/opportunities?stageId=won"), 400);
    expect(
        spec.get(&format!("/opportunities?clientId={client}&status=maybe")),
        400,
    );
    expect(
        spec.get(&format!("/opportunities?clientId={client}&limit=1000")),
        400,
    );
    crate::the_past_reads_as_documented(&spec, &path, &none);
    crate::record_tasks_read_as_documented(&spec, &path);
    spec.assert_covered("/api/opportunities");

    // The pipeline's figures, once the consumer has the won deal.
    let figures = format!("/pipelines/{pipeline}");
    spec.eventually(&format!("{figures}/summary"), "\"count\":1");
    expect(
        spec.get(&format!("{figures}/summary?asOf=2099-01-01T00:00:00Z")),
        200,
    );
    expect(
        spec.get(&format!("{figures}/summary?asOf=2001-01-01T00:00:00Z")),
        404,
    );
    expect(spec.get(&format!("{figures}/summary?asOf=later")), 400);
    expect(
        spec.get(&format!("/pipelines/{}/summary", unique("none"))),
        404,
    );
    expect(
        spec.get(&format!(
            "{figures}/forecast?from=2027-01-01&to=2027-12-31&ownerId={owner}"
        )),
        200,
    );
    expect(
        spec.get(&format!("{figures}/forecast?from=2027-01-01")),
        400,
    );
    expect(
        spec.get(&format!(
            "/pipelines/{}/forecast?from=2027-01-01&to=2027-01-02",
            unique("none")
        )),
        404,
    );
    expect(spec.get(&format!("{figures}/velocity")), 200);
    expect(
        spec.get(&format!("/pipelines/{}/velocity", unique("none"))),
        404,
    );
    expect(spec.get("/pipelines/bad~id/velocity"), 400);
}
