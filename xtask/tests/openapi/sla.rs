use serde_json::json;

use crate::spec::{expect, Spec};

/// The one policy is shared by every test of the stack: this test changes only the low
/// priority's first-response target (no other test asserts it), then puts it back.
#[test]
fn every_sla_policy_operation_answers_as_documented() {
    let spec = Spec::load();
    let current = expect(spec.get("/sla-policy"), 200);
    let etag = current.etag.clone().unwrap();
    let mut policy = current.body.clone();
    policy.as_object_mut().unwrap().remove("version");
    let original = policy.clone();
    let low = policy["targets"]["low"]["firstResponseMinutes"]
        .as_u64()
        .unwrap();
    policy["targets"]["low"]["firstResponseMinutes"] = json!(low + 1);
    let changed = expect(
        spec.call(
            "PUT",
            "/sla-policy",
            Some(("application/json", policy.to_string())),
            &[("if-match", etag.as_str())],
        ),
        200,
    );
    let version = changed.body["version"].as_u64().unwrap();
    let stale = Some(("application/json", original.to_string()));
    expect(
        spec.call("PUT", "/sla-policy", stale, &[("if-match", etag.as_str())]),
        412,
    );
    let mut mars = policy.clone();
    mars["businessHours"] = json!({ "timezone": "Mars/Olympus", "days": {} });
    expect(spec.json("PUT", "/sla-policy", mars), 400);
    let mut partial = policy.clone();
    partial["targets"].as_object_mut().unwrap().remove("low");
    expect(spec.json("PUT", "/sla-policy", partial), 400);
    expect(spec.get("/sla-policy?asOf=2001-01-01T00:00:00Z"), 200);
    expect(spec.get("/sla-policy?asOf=yesterday"), 400);
    let then = expect(spec.get(&format!("/sla-policy?version={version}")), 200);
    assert_eq!(then.body["targets"]["low"]["firstResponseMinutes"], low + 1);
    expect(
        spec.get(&format!("/sla-policy?version={}", version + 100)),
        400,
    );
    expect(spec.get("/sla-policy/history?order=desc&limit=1"), 200);
    expect(spec.get("/sla-policy/history?order=sideways"), 400);
    // Back as it was.
    expect(spec.json("PUT", "/sla-policy", original), 200);
    spec.assert_covered("/api/sla-policy");
}
