use lambda_runtime::{service_fn, LambdaEvent};
use publisher::{feeds, parse_records, publish, EventBridgeBus};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_host::init_logging();
    let bus_name = std::env::var("EVENT_BUS_NAME").map_err(|_| "EVENT_BUS_NAME is not set")?;
    let feeds = std::sync::Arc::new(feeds());
    let bus = std::sync::Arc::new(EventBridgeBus::default());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (feeds, bus, bus_name) = (feeds.clone(), bus.clone(), bus_name.clone());
        async move {
            let (report, response) = publish(
                &feeds,
                bus.as_ref(),
                &bus_name,
                parse_records(&event.payload),
            )
            .await;
            tracing::info!(
                entries = report.entries,
                withheld = report.withheld,
                calls = report.calls,
                failed_from = report.failed_from.as_deref(),
                "batch published"
            );
            Ok::<_, lambda_runtime::Error>(response)
        }
    }))
    .await
}
