use serde_json::json;

use crate::spec::{expect, Spec};

/// The one policy is shared by every test of the stack: this test sets it to what it reads,
/// so the other tests' cases keep the terms they expect.
#[test]
fn every_sla_policy_operation_answers_as_documented() {
    let spec = Spec::load();
    let current = expect(spec.get("/sla-policy"), 200);
    let etag = current.etag.clone().unwrap();
    let mut policy = current.body.clone();
    policy.as_object_mut().unwrap().remove("version");
    expect(
        spec.call(
            "PUT",
            "/sla-policy",
            Some(("application/json", policy.to_string())),
            &[("if-match", etag.as_str())],
        ),
        200,
    );
    let mut berlin = policy.clone();
    berlin["businessHours"] =
        json!({ "timezone": "Europe/Berlin", "days": { "mon": ["09:00", "17:00"] } });
    let stale = Some(("application/json", berlin.to_string()));
    expect(
        spec.call("PUT", "/sla-policy", stale, &[("if-match", "\"999999\"")]),
        412,
    );
    let mut mars = policy.clone();
    mars["businessHours"] = json!({ "timezone": "Mars/Olympus", "days": {} });
    expect(spec.json("PUT", "/sla-policy", mars), 400);
    let mut partial = policy.clone();
    partial["targets"].as_object_mut().unwrap().remove("low");
    expect(spec.json("PUT", "/sla-policy", partial), 400);
    expect(spec.json("PUT", "/sla-policy", policy.clone()), 200);
    expect(spec.get("/sla-policy?asOf=2001-01-01T00:00:00Z"), 200);
    expect(spec.get("/sla-policy?asOf=yesterday"), 400);
    expect(spec.get("/sla-policy?version=1"), 200);
    expect(spec.get("/sla-policy/history?order=desc&limit=1"), 200);
    expect(spec.get("/sla-policy/history?order=sideways"), 400);
    spec.assert_covered("/api/sla-policy");
}
