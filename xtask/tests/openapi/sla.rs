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

/// Two urgent cases opened on a day of their own (long past, so every clock is due): one
/// answered in 30 minutes and solved in time, one never answered, whose breaches the
/// schedule records. The report counts both, as the schema says.
#[test]
fn the_sla_report_answers_as_documented() {
    let spec = Spec::load();
    let (client, _) = crate::client_and_contact(&spec);
    // A day no other run of this stack uses.
    let minutes = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60;
    let day = time::Date::from_calendar_date(2000, time::Month::January, 1).unwrap()
        + time::Duration::days((minutes % 7000) as i64);
    let at = |clock: &str| format!("{day}T{clock}:00Z");
    let kept = crate::common::unique("s");
    let case = |id: &str, opened: &str| json!({ "caseId": id, "clientId": client, "description": "Printer on fire", "openedAt": at(opened), "priority": "urgent", "assigneeId": "ann" });
    expect(spec.json("POST", "/cases", case(&kept, "10:00")), 201);
    expect(
        spec.json(
            "POST",
            &format!("/cases/{kept}/interactions"),
            json!({ "description": "Called back", "type": "call", "interactionDate": at("10:30") }),
        ),
        201,
    );
    expect(
        spec.json(
            "POST",
            &format!("/cases/{kept}/status"),
            json!({ "status": "solved", "at": at("12:00") }),
        ),
        200,
    );
    let broken = crate::common::unique("s");
    expect(spec.json("POST", "/cases", case(&broken, "11:00")), 201);

    let path = format!("/reports/sla?from={day}&to={day}");
    let expected = json!({
        "opened": 2,
        "firstResponseMet": 1,
        "firstResponseBreached": 1,
        "resolutionMet": 1,
        "resolutionBreached": 1,
        "averageFirstResponseMinutes": 30.0,
    });
    let start = std::time::Instant::now();
    loop {
        let report = expect(spec.get(&path), 200);
        if report.body["priorities"]["urgent"] == expected {
            assert_eq!(report.body["priorities"]["low"]["opened"], 0);
            break;
        }
        assert!(
            start.elapsed().as_secs() < 60,
            "the report never counted the day's cases: {}",
            report.body
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    // The breaches are on the unanswered case's record, as facts of its history.
    let history = expect(spec.get(&format!("/cases/{broken}/history?limit=100")), 200);
    let breaches: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["eventType"] == "SlaBreached")
        .filter_map(|e| e["changes"]["metric"].as_str())
        .collect();
    assert_eq!(breaches, ["firstResponse", "resolution"]);

    let zoned = expect(spec.get(&format!("{path}&timeZone=Europe/Paris")), 200);
    assert_eq!(zoned.body["timeZone"], "Europe/Paris");
    for bad in [
        "/reports/sla".to_owned(),
        format!("/reports/sla?from={day}"),
        format!("/reports/sla?from={day}&to=2000-13-01"),
        "/reports/sla?from=2026-02-01&to=2026-01-31".to_owned(),
        "/reports/sla?from=2025-01-01&to=2026-01-02".to_owned(),
        format!("{path}&timeZone=Mars/Olympus"),
        // Its days start at half past an hour of UTC.
        format!("{path}&timeZone=Asia/Kolkata"),
    ] {
        expect(spec.get(&bad), 400);
    }
    spec.assert_covered("/api/reports");
}
