//! The bus the feed goes out on: EventBridge `PutEvents`, behind a port so the fault tests can
//! stand between the publisher and the real (emulated) bus.

use async_trait::async_trait;
use serde_json::Value;
use tokio::sync::OnceCell;

/// `PutEvents` takes at most 10 entries a call.
pub const MAX_ENTRIES: usize = 10;

/// One bus event: the CloudEvent in `detail`, its type as the `detail-type` rules match on.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub bus_name: String,
    pub source: String,
    pub detail_type: String,
    pub detail: Value,
}

impl Entry {
    pub fn new(bus_name: &str, detail: Value) -> Self {
        Self {
            bus_name: bus_name.to_owned(),
            source: contracts::feed::SOURCE.to_owned(),
            detail_type: detail
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            detail,
        }
    }

    /// The CloudEvent's id.
    pub fn id(&self) -> &str {
        self.detail
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the bus did not take the call: {0}")]
pub struct BusError(pub String);

#[async_trait]
pub trait Bus: Send + Sync {
    /// Puts up to [`MAX_ENTRIES`]; for each entry, in order, `None` when the bus took it, or
    /// the error code it refused it with.
    async fn put(&self, entries: &[Entry]) -> Result<Vec<Option<String>>, BusError>;
}

/// EventBridge, as the standard AWS environment configures it (`AWS_ENDPOINT_URL_EVENTBRIDGE`
/// points it at an emulator). The client is built on the first call, not at cold start.
#[derive(Default)]
pub struct EventBridgeBus {
    client: OnceCell<aws_sdk_eventbridge::Client>,
}

impl EventBridgeBus {
    async fn client(&self) -> &aws_sdk_eventbridge::Client {
        self.client
            .get_or_init(|| async {
                let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                aws_sdk_eventbridge::Client::new(&config)
            })
            .await
    }
}

#[async_trait]
impl Bus for EventBridgeBus {
    async fn put(&self, entries: &[Entry]) -> Result<Vec<Option<String>>, BusError> {
        use aws_sdk_eventbridge::types::PutEventsRequestEntry;
        let request = entries
            .iter()
            .map(|entry| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&entry.bus_name)
                    .source(&entry.source)
                    .detail_type(&entry.detail_type)
                    .detail(entry.detail.to_string())
                    .build()
            })
            .collect();
        let output = self
            .client()
            .await
            .put_events()
            .set_entries(Some(request))
            .send()
            .await
            .map_err(|e| {
                BusError(aws_sdk_eventbridge::error::DisplayErrorContext(e).to_string())
            })?;
        let results = output.entries();
        Ok((0..entries.len())
            .map(|i| {
                results
                    .get(i)
                    .map_or(Some("NoResult".to_owned()), |result| {
                        result.error_code().map(str::to_owned)
                    })
            })
            .collect())
    }
}
