//! A pipeline's figures on DynamoDB (moto), built by the stream consumer's engine from the
//! stored events: the summary read as of each past instant equals the summary read at that
//! instant; forecast and velocity add up; a summary costs the same requests however many
//! opportunities there are.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::sync::Arc;

use common::{given_acme_and_sales, Api};
use dynamodb_adapters::testing::{
    fresh_dynamo_projection_store, fresh_dynamo_store, RequestCounter,
};
use event_sourcing::projection::{Consumer, IncomingRecord, ProjectionStore};
use event_sourcing::store::EventStore;
use event_sourcing::StreamId;
use http_api::testing::body_json;
use serde_json::{json, Value};

struct Figures {
    api: Api,
    events: Arc<dyn EventStore>,
    consumer: Consumer,
    counter: RequestCounter,
    opportunities: Vec<String>,
}

impl Figures {
    async fn new() -> Self {
        let (store, _) = fresh_dynamo_store().await;
        let store = Arc::new(store);
        let counter = RequestCounter::default();
        let views: Arc<dyn ProjectionStore> =
            Arc::new(fresh_dynamo_projection_store(&counter).await);
        let api = common::api(store.clone()).with_views(views.clone());
        let projections = opportunity::registry().projections();
        Self {
            consumer: Consumer::new(projections, views, store.clone()),
            events: store,
            api,
            counter,
            opportunities: Vec::new(),
        }
    }

    /// What the stream consumer would do: every stream's events, in order.
    async fn project(&self) {
        let mut records = Vec::new();
        for id in &self.opportunities {
            for event in self
                .events
                .load(&StreamId::new("opportunity", id))
                .await
                .unwrap()
            {
                records.push(IncomingRecord {
                    sequence_number: records.len().to_string(),
                    event: Ok(event),
                });
            }
        }
        let report = self.consumer.process(records).await;
        assert!(report.failed.is_empty(), "{report:?}");
    }

    async fn create(&mut self, id: &str, amount: &str, currency: &str, close: &str, owner: &str) {
        self.api
            .call_expecting(
                201,
                "POST",
                "/api/opportunities",
                Some(json!({ "opportunityId": id, "name": "Deal", "clientId": "k1", "pipelineId": "p1",
                    "amount": amount, "currency": currency, "closeDate": close, "ownerId": owner })),
            )
            .await;
        self.opportunities.push(id.to_owned());
    }

    async fn post(&self, path: &str, body: Value) {
        self.api.call_expecting(200, "POST", path, Some(body)).await;
    }

    async fn get(&self, path: &str) -> Value {
        body_json(&self.api.call_expecting(200, "GET", path, None).await)
    }

    /// The summary now, projected first; its `asOf` says when "now" was.
    async fn summary_now(&self) -> Value {
        self.project().await;
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        let summary = self.get("/api/pipelines/p1/summary").await;
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        summary
    }
}

fn stage<'a>(summary: &'a Value, stage_id: &str) -> &'a Value {
    summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stageId"] == stage_id)
        .unwrap()
}

#[tokio::test]
async fn the_summary_as_of_a_past_instant_is_the_summary_read_at_that_instant() {
    let mut figures = Figures::new().await;
    given_acme_and_sales(&figures.api).await;
    let mut seen = vec![figures.summary_now().await];
    figures
        .create("o1", "12500", "EUR", "2027-03-31", "u1")
        .await;
    figures
        .create("o2", "0.05", "EUR", "2027-03-15", "u2")
        .await;
    seen.push(figures.summary_now().await);
    figures
        .create("o3", "30000", "JPY", "2027-04-02", "u1")
        .await;
    figures
        .post(
            "/api/opportunities/o1/stage",
            json!({ "stageId": "propose" }),
        )
        .await;
    seen.push(figures.summary_now().await);
    figures
        .api
        .call_expecting(
            200,
            "PATCH",
            "/api/pipelines/p1/stages/propose",
            Some(json!({ "probability": 50, "position": 0 })),
        )
        .await;
    figures
        .api
        .call_expecting(
            200,
            "PATCH",
            "/api/opportunities/o2",
            Some(json!({ "amount": "0.15", "currency": "EUR" })),
        )
        .await;
    seen.push(figures.summary_now().await);
    figures.post("/api/opportunities/o1/won", json!({})).await;
    figures
        .post("/api/opportunities/o3/lost", json!({ "reason": "Timing" }))
        .await;
    seen.push(figures.summary_now().await);
    figures
        .post("/api/opportunities/o3/reopen", json!({}))
        .await;
    seen.push(figures.summary_now().await);

    // Every summary read in the past reads the same today, asked as of its instant: counts,
    // totals and weights, and the stages' order and probabilities of that moment.
    for then in &seen {
        let as_of = then["asOf"].as_str().unwrap();
        let again = figures
            .get(&format!("/api/pipelines/p1/summary?asOf={as_of}"))
            .await;
        assert_eq!(&again, then, "as of {as_of}");
    }
    let before_the_move = &seen[2];
    assert_eq!(
        stage(before_the_move, "propose")["amounts"],
        json!([{ "currency": "EUR", "total": "12500.00", "weighted": "7500.00" }])
    );
    assert_eq!(stage(before_the_move, "qualify")["count"], 2);
    let reweighed = &seen[3];
    assert_eq!(
        reweighed["stages"][0]["stageId"], "propose",
        "the stage moved first"
    );
    assert_eq!(
        stage(reweighed, "propose")["amounts"][0]["weighted"],
        "6250.00"
    );
    // 0.15 × 20% = 0.03 exactly; 0.05 × 20% = 0.01 (half to even).
    assert_eq!(
        stage(&seen[1], "qualify")["amounts"],
        json!([{ "currency": "EUR", "total": "12500.05", "weighted": "2500.01" }])
    );
    let closed = &seen[4];
    assert_eq!(
        stage(closed, "won")["amounts"],
        json!([{ "currency": "EUR", "total": "12500.00", "weighted": "12500.00" }])
    );
    assert_eq!(
        stage(closed, "lost")["amounts"],
        json!([{ "currency": "JPY", "total": "30000", "weighted": "0" }])
    );
    assert_eq!(stage(&seen[5], "lost")["count"], 0);
    assert_eq!(stage(&seen[0], "qualify")["count"], 0);
    let never = figures
        .api
        .call(
            "GET",
            "/api/pipelines/p1/summary?asOf=2001-01-01T00:00:00Z",
            None,
        )
        .await;
    assert_eq!(never.status(), 404, "the pipeline did not exist then");

    // The forecast by close date, and what closed today.
    let today = time::OffsetDateTime::now_utc().date();
    let forecast = figures
        .get("/api/pipelines/p1/forecast?from=2027-03-01&to=2027-03-31")
        .await;
    assert_eq!(
        forecast["currencies"],
        json!([{ "currency": "EUR", "open": "0.15", "weighted": "0.03", "won": "0.00", "lost": "0.00", "winRate": null }])
    );
    let closed_today = figures
        .get(&format!(
            "/api/pipelines/p1/forecast?from={today}&to={today}&ownerId=u1"
        ))
        .await;
    assert_eq!(
        closed_today["currencies"],
        json!([{ "currency": "EUR", "open": "0.00", "weighted": "0.00", "won": "12500.00", "lost": "0.00", "winRate": 1.0 }])
    );
    for bad in [
        "from=2027-03-01",
        "from=2027-04-01&to=2027-03-01",
        "from=2027-01-01&to=2028-06-01",
        "from=2027-01-01&to=2027-02-30",
    ] {
        let response = figures
            .api
            .call("GET", &format!("/api/pipelines/p1/forecast?{bad}"), None)
            .await;
        assert_eq!(response.status(), 400, "{bad}");
    }

    // Velocity: o1 went qualify → propose → won; o3 qualify → lost → qualify.
    let velocity = figures.get("/api/pipelines/p1/velocity").await;
    let qualify = velocity["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stageId"] == "qualify")
        .unwrap();
    assert_eq!(
        (&qualify["entered"], &qualify["left"]),
        (&json!(3), &json!(2)),
        "{velocity}"
    );
    assert_eq!(qualify["averageDaysInStage"], "0.0");
    assert_eq!(
        qualify["winRate"],
        json!(1.0),
        "o1 passed through and was won; o3 reopened"
    );
}

fn sizes() -> Vec<usize> {
    std::env::var("FIGURES_SIZES")
        .unwrap_or_else(|_| "10,40".into())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("FIGURES_SIZES: numbers, comma-separated")
        })
        .collect()
}

/// The read model's requests of one answer, asked twice: the first reads the generation
/// pointer too (cached 5 s per instance), which is not the answer's.
async fn cost(figures: &Figures, path: &str) -> Vec<String> {
    figures.get(path).await;
    figures.counter.reset();
    figures.get(path).await;
    figures.counter.operations()
}

/// `cargo xtask bench` runs this with 10 and 2,000 opportunities (`FIGURES_SIZES`) and prints
/// each row.
#[tokio::test]
async fn figures_cost_the_same_requests_however_many_opportunities() {
    let mut figures = Figures::new().await;
    given_acme_and_sales(&figures.api).await;
    let mut rows = Vec::new();
    let mut created = 0;
    for size in sizes() {
        while created < size {
            let id = format!("o{created}");
            figures
                .create(&id, "100.00", "EUR", "2027-03-31", "u1")
                .await;
            match created % 4 {
                1 => {
                    figures
                        .post(
                            &format!("/api/opportunities/{id}/stage"),
                            json!({ "stageId": "propose" }),
                        )
                        .await
                }
                2 => {
                    figures
                        .post(&format!("/api/opportunities/{id}/won"), json!({}))
                        .await
                }
                _ => {}
            }
            created += 1;
        }
        figures.project().await;
        // An instant with a bucket before it at every level: the most a summary reads.
        let summary = cost(
            &figures,
            "/api/pipelines/p1/summary?asOf=2099-06-15T12:30:30.500Z",
        )
        .await;
        let now = cost(&figures, "/api/pipelines/p1/summary").await;
        let forecast = cost(
            &figures,
            "/api/pipelines/p1/forecast?from=2027-01-01&to=2027-12-31",
        )
        .await;
        let velocity = cost(&figures, "/api/pipelines/p1/velocity").await;
        let answer = figures.get("/api/pipelines/p1/summary").await;
        let counted: i64 = answer["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["count"].as_i64().unwrap())
            .sum();
        assert_eq!(counted, size as i64);
        println!(
            "| {size} | {} | {} | {} | {} |",
            summary.len(),
            now.len(),
            forecast.len(),
            velocity.len()
        );
        rows.push((summary, now, forecast, velocity));
    }
    let first = &rows[0];
    for row in &rows {
        assert_eq!(row, first, "the same requests at every size");
    }
    assert_eq!(
        first.0,
        vec!["Query"; 7],
        "a summary as of a past instant: seven queries"
    );
    assert_eq!(first.1, vec!["Query"], "the summary now: the years");
    assert_eq!(first.2, vec!["Query"], "a forecast: one range of days");
    assert_eq!(first.3, vec!["GetItem"], "velocity: the one item");
}
