//! The case queues on DynamoDB (moto), built by the stream consumer's engine: a case moves
//! through the open queue (by client, by assignee, everyone's) and the due queue as it is
//! assigned, paused, resumed, solved, reopened and closed; a page of either queue costs the
//! same requests and read capacity however many cases there are.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use dynamodb_adapters::testing::{
    fresh_dynamo_projection_store, fresh_dynamo_store, RequestCounter,
};
use event_sourcing::WriteMode;
use http_api::testing::body_json;
use lambda_host::testing::WithReadModels;
use serde_json::{json, Value};

struct Queues {
    harness: WithReadModels,
    views: RequestCounter,
}

impl Queues {
    async fn new() -> Self {
        let (store, _) = fresh_dynamo_store().await;
        let counter = RequestCounter::default();
        let views = Arc::new(fresh_dynamo_projection_store(&counter).await);
        let harness = WithReadModels::new(
            || vec![contact::registry(), client::registry(), case::registry()],
            Arc::new(store),
            views,
            WriteMode::Direct,
        );
        let acme = Some(client::fixtures::acme_body());
        harness
            .api
            .call_expecting(201, "POST", "/api/clients", acme)
            .await;
        Self {
            harness,
            views: counter,
        }
    }

    async fn open(&mut self, id: &str, assignee: Option<&str>, opened: &str) {
        let mut body = json!({ "caseId": id, "clientId": "k1", "description": "Printer on fire",
            "openedAt": opened, "priority": "high" });
        if let Some(assignee) = assignee {
            body["assigneeId"] = json!(assignee);
        }
        self.harness
            .api
            .call_expecting(201, "POST", "/api/cases", Some(body))
            .await;
        self.harness.track("case", id);
    }

    async fn project(&self) {
        self.harness.project().await;
    }

    async fn items(&self, path: &str) -> Vec<Value> {
        let page = body_json(
            &self
                .harness
                .api
                .call_expecting(200, "GET", path, None)
                .await,
        );
        page["items"].as_array().unwrap().clone()
    }

    async fn act(&self, method: &str, path: &str, body: Value) {
        let status = if path.ends_with("/interactions") {
            201
        } else {
            200
        };
        self.harness
            .api
            .call_expecting(status, method, path, Some(body))
            .await;
        self.project().await;
    }
}

/// Where `s1` is: in the open queue by client, in agent-1's, and its clocks in the due queue.
type Place = (bool, bool, Vec<String>);

/// What `s1` looks like in each queue.
async fn where_is(queues: &Queues) -> Place {
    let by_client = queues.items("/api/cases/open?clientId=k1").await;
    let by_agent = queues.items("/api/cases/open?assigneeId=agent-1").await;
    let due = queues
        .items("/api/cases/due?before=2100-01-01T00:00:00Z")
        .await;
    let metrics = due
        .iter()
        .filter(|item| item["caseId"] == "s1")
        .map(|item| item["metric"].as_str().unwrap().to_owned())
        .collect();
    (
        by_client.iter().any(|i| i["caseId"] == "s1"),
        by_agent.iter().any(|i| i["caseId"] == "s1"),
        metrics,
    )
}

#[tokio::test]
async fn a_case_moves_through_the_queues_as_its_workflow_moves() {
    let mut queues = Queues::new().await;
    queues.open("s1", None, "2026-01-01T09:00:00Z").await;
    queues.project().await;
    let both = vec!["firstResponse".to_owned(), "resolution".to_owned()];
    assert_eq!(where_is(&queues).await, (true, false, both.clone()));
    let status = "/api/cases/s1/status";
    let place = |client, agent, metrics: &[&str]| -> Place {
        (
            client,
            agent,
            metrics.iter().map(|m| (*m).to_owned()).collect(),
        )
    };
    let steps: [(&str, &str, Value, Place); 6] = [
        (
            "PATCH",
            "/api/cases/s1",
            json!({ "assigneeId": "agent-1" }),
            place(true, true, &["firstResponse", "resolution"]),
        ),
        (
            "POST",
            status,
            json!({ "status": "pending", "at": "2026-01-01T10:00:00Z" }),
            place(true, true, &["firstResponse"]),
        ),
        (
            "POST",
            status,
            json!({ "status": "open", "at": "2026-01-01T12:00:00Z" }),
            place(true, true, &["firstResponse", "resolution"]),
        ),
        (
            "POST",
            "/api/cases/s1/interactions",
            json!({ "description": "Replied", "type": "email", "interactionDate": "2026-01-01T12:30:00Z" }),
            place(true, true, &["resolution"]),
        ),
        (
            "POST",
            status,
            json!({ "status": "solved", "at": "2026-01-01T13:00:00Z" }),
            (false, false, vec![]),
        ),
        (
            "POST",
            status,
            json!({ "status": "open", "at": "2026-01-01T14:00:00Z" }),
            place(true, true, &["resolution"]),
        ),
    ];
    for (method, path, body, expected) in steps {
        if path.ends_with("/interactions") {
            queues
                .harness
                .api
                .call_expecting(201, method, path, Some(body.clone()))
                .await;
            queues.project().await;
        } else {
            queues.act(method, path, body.clone()).await;
        }
        let expected = (
            expected.0,
            expected.1,
            expected.2.iter().map(|m| (*m).to_owned()).collect(),
        );
        assert_eq!(
            where_is(&queues).await,
            expected,
            "after {method} {path} {body}"
        );
    }
    // Paused two hours, solved for one: the resolution clock is due three hours later.
    let due = queues
        .items("/api/cases/due?before=2100-01-01T00:00:00Z")
        .await;
    assert_eq!(
        (&due[0]["dueAt"], &due[0]["breached"], &due[0]["priority"]),
        (&json!("2026-01-02T12:00:00Z"), &json!(true), &json!("high"))
    );
    queues.act("POST", "/api/cases/s1/close", json!({})).await;
    assert_eq!(where_is(&queues).await, (false, false, vec![]));
}

fn sizes() -> Vec<usize> {
    std::env::var("CASE_SIZES")
        .unwrap_or_else(|_| "10,40".into())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("CASE_SIZES: numbers, comma-separated")
        })
        .collect()
}

/// The read models' requests and read units of one page (3 items).
async fn cost(queues: &Queues, path: &str) -> (Vec<String>, usize) {
    queues
        .views
        .read_cost(|| async {
            assert_eq!(queues.items(path).await.len(), 3, "{path}: a full page");
        })
        .await
}

/// `cargo xtask bench` runs this with 10 and 5,000 cases (`CASE_SIZES`) and prints each row.
#[tokio::test]
async fn a_queue_page_costs_the_same_however_many_cases_there_are() {
    let mut queues = Queues::new().await;
    let mut rows = Vec::new();
    let mut reports = Vec::new();
    let mut created = 0;
    for size in sizes() {
        while created < size {
            // Alike items (id and text lengths, whole-second times); two in three agent-1's.
            let id = format!("s{created:05}");
            let assignee = if created % 3 == 0 {
                "agent-2"
            } else {
                "agent-1"
            };
            let opened = format!(
                "2026-01-01T{:02}:{:02}:00Z",
                created / 60 % 24,
                created % 60
            );
            queues.open(&id, Some(assignee), &opened).await;
            created += 1;
        }
        queues.project().await;
        let due = cost(&queues, "/api/cases/due?limit=3").await;
        let mine = cost(&queues, "/api/cases/due?assigneeId=agent-1&limit=3").await;
        let open = cost(&queues, "/api/cases/open?assigneeId=agent-1&limit=3").await;
        // The day's SLA report: one item per hour with cases (at most 24), whatever their number.
        let report = queues
            .views
            .read_cost(|| async {
                let path = "/api/reports/sla?from=2026-01-01&to=2026-01-01";
                let answer = body_json(
                    &queues
                        .harness
                        .api
                        .call_expecting(200, "GET", path, None)
                        .await,
                );
                assert_eq!(answer["priorities"]["high"]["opened"], size);
            })
            .await;
        println!(
            "| {size} | {} | {} | {} | {} | {} | {} | {} | {} |",
            due.0.join(" "),
            due.1,
            mine.0.join(" "),
            mine.1,
            open.0.join(" "),
            open.1,
            report.0.join(" "),
            report.1
        );
        rows.push((due, mine, open));
        reports.push(report);
    }
    for row in &rows {
        assert_eq!(
            row, &rows[0],
            "the same requests and read units at every size"
        );
    }
    assert_eq!(rows[0].0 .0, ["Query"], "one index query a page");
    for report in &reports {
        assert_eq!(report.0, ["Query"], "one index query for a day's report");
        assert!(report.1 <= 4, "24 hour items at most: {report:?}");
    }
}

/// One run of the schedule's job at `now`, then the consumer: what the report reads next.
async fn record_breaches(queues: &Queues, now: &str) -> Value {
    let now =
        time::OffsetDateTime::parse(now, &time::format_description::well_known::Rfc3339).unwrap();
    let trace = event_sourcing::TraceContext::from_hints(&Default::default(), now);
    let invocation = queues.harness.api.app.invocation(trace, now);
    let summary = case::record_sla_breaches::run(invocation, lambda_host::TimeBudget::from_env())
        .await
        .unwrap();
    queues.project().await;
    summary
}

async fn high(queues: &Queues, path: &str) -> Value {
    let report = body_json(
        &queues
            .harness
            .api
            .call_expecting(200, "GET", path, None)
            .await,
    );
    report["priorities"]["high"].clone()
}

/// On DynamoDB: the report's hour totals move as cases are answered, solved and reopened, the
/// job records each breach once (and only once due), and a day's report leaves out the next.
#[tokio::test]
async fn the_sla_report_counts_what_the_cases_and_the_recorded_breaches_say() {
    let mut queues = Queues::new().await;
    // High priority: first response in 4 hours, resolution in 24.
    queues
        .open("s1", Some("agent-1"), "2026-03-02T09:00:00Z")
        .await;
    queues
        .open("s2", Some("agent-1"), "2026-03-02T23:30:00Z")
        .await;
    queues.open("s3", None, "2026-03-03T08:00:00Z").await;
    queues
        .act(
            "POST",
            "/api/cases/s1/interactions",
            json!({ "description": "Called", "type": "call", "interactionDate": "2026-03-02T10:30:00Z" }),
        )
        .await;
    queues
        .act(
            "POST",
            "/api/cases/s1/status",
            json!({ "status": "solved", "at": "2026-03-02T12:00:00Z" }),
        )
        .await;
    queues.project().await;
    let day = "/api/reports/sla?from=2026-03-02&to=2026-03-02";
    assert_eq!(
        high(&queues, day).await,
        json!({ "opened": 2, "firstResponseMet": 1, "firstResponseBreached": 0, "resolutionMet": 1,
            "resolutionBreached": 0, "averageFirstResponseMinutes": 90.0 })
    );

    // Nothing is due yet at 03:00 on the 3rd (s2's first response is due at 03:30).
    let early = record_breaches(&queues, "2026-03-03T03:00:00Z").await;
    assert_eq!(early["breachesRecorded"], 0, "{early}");
    // By noon s2's first response and s3's are past due: one breach each, recorded once.
    let noon = record_breaches(&queues, "2026-03-03T12:30:00Z").await;
    assert_eq!(noon["breachesRecorded"], 2, "{noon}");
    let again = record_breaches(&queues, "2026-03-03T12:31:00Z").await;
    assert_eq!(again["breachesRecorded"], 0, "{again}");
    assert_eq!(
        again["casesRead"], 0,
        "a recorded case leaves the job's index"
    );
    assert_eq!(high(&queues, day).await["firstResponseBreached"], 1);
    let both = "/api/reports/sla?from=2026-03-02&to=2026-03-03";
    assert_eq!(
        high(&queues, both).await,
        json!({ "opened": 3, "firstResponseMet": 1, "firstResponseBreached": 2, "resolutionMet": 1,
            "resolutionBreached": 0, "averageFirstResponseMinutes": 90.0 })
    );

    // Reopened, s1's resolution is no longer met. In New York the 2nd runs from 05:00 UTC to
    // 05:00 UTC on the 3rd: s1 and s2 were opened on it there, s3 (08:00 UTC) was not.
    queues
        .act(
            "POST",
            "/api/cases/s1/status",
            json!({ "status": "open", "at": "2026-03-02T13:00:00Z" }),
        )
        .await;
    let zoned = high(&queues, &format!("{day}&timeZone=America/New_York")).await;
    assert_eq!(
        (zoned["opened"].clone(), zoned["resolutionMet"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(high(&queues, day).await["resolutionMet"], 0);
}
