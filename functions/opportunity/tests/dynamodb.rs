//! Opportunities against DynamoDB (moto): a move and a close racing on one opportunity, and
//! the pipeline's summary counting each opportunity once after the races.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use common::{given_acme_and_sales, renewal};
use dynamodb_adapters::testing::fresh_dynamo_store;
use event_sourcing::projection::{Consumer, IncomingRecord};
use event_sourcing::testing::{Hooked, StoreCall, StoreHooks};
use event_sourcing::StreamId;
use serde_json::json;
use tokio::sync::Barrier;

/// Holds every append of an opportunity until two are waiting: both commands have read the
/// same version, so their appends truly race.
struct AppendsMeet {
    barrier: Barrier,
}

#[async_trait]
impl StoreHooks for AppendsMeet {
    async fn before(&self, call: StoreCall<'_>) {
        let (StoreCall::Append(events) | StoreCall::AppendRecorded(events, _)) = call else {
            return;
        };
        let racing = events.first().is_some_and(|e| {
            e.aggregate_type == "opportunity" && e.event_type != "OpportunityCreated"
        });
        if racing {
            self.barrier.wait().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_move_and_a_close_racing_have_one_winner_and_the_loser_writes_nothing() {
    let (store, _) = fresh_dynamo_store().await;
    let store = Arc::new(Hooked {
        inner: Arc::new(store),
        hooks: AppendsMeet {
            barrier: Barrier::new(2),
        },
    });
    let api = Arc::new(common::api(store));
    given_acme_and_sales(&api).await;
    for round in 0..3 {
        let id = format!("o{round}");
        let mut body = renewal();
        body["opportunityId"] = json!(id);
        api.call_expecting(201, "POST", "/api/opportunities", Some(body))
            .await;
        let rivals = [
            ("/stage", json!({ "stageId": "propose" })),
            ("/won", json!({})),
        ]
        .map(|(action, body)| {
            let api = api.clone();
            let path = format!("/api/opportunities/{id}{action}");
            // Both pinned to the version they read: the loser is not decided again (see
            // lambda_host's dispatch), it hears 409.
            tokio::spawn(async move {
                api.call_with("POST", &path, Some(body), &[("if-match", "\"1\"")])
                    .await
            })
        });
        let mut statuses = Vec::new();
        for rival in rivals {
            let response = rival.await.unwrap();
            if response.status() == 409 {
                let problem = http_api::testing::body_json(&response);
                assert!(
                    problem["detail"]
                        .as_str()
                        .unwrap()
                        .contains("concurrent write"),
                    "{problem}"
                );
            }
            statuses.push(response.status().as_u16());
        }
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}");
        assert_eq!(
            api.events("opportunity", &id).await.len(),
            2,
            "round {round}: the creation and the one winner"
        );
    }

    // The stream consumer's engine over what was stored: each opportunity counted once, in
    // the stage its one winning command left it.
    let projections = opportunity::registry().projections();
    let consumer = Consumer::new(projections, api.views.clone(), api.store.clone());
    let mut records = Vec::new();
    for round in 0..3 {
        let stream = StreamId::new("opportunity", format!("o{round}"));
        for event in api.store.load(&stream).await.unwrap() {
            records.push(IncomingRecord {
                sequence_number: records.len().to_string(),
                event: Ok(event),
            });
        }
    }
    let report = consumer.process(records).await;
    assert!(report.failed.is_empty(), "{report:?}");
    let summary = http_api::testing::body_json(
        &api.call_expecting(200, "GET", "/api/pipelines/p1/summary", None)
            .await,
    );
    let counted: i64 = summary["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stage| stage["count"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 3, "{summary}");
}
