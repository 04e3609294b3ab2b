//! The feed's infrastructure where the template does not run (the local stack on moto, the
//! tests): the bus, an archive of everything on it, and the worked example's rule feeding a
//! queue, as `template.yaml` declares them.

use aws_sdk_eventbridge::Client as EventBridge;
use aws_sdk_sqs::Client as Sqs;

/// The bus (and queue) name of the local stack.
pub const BUS: &str = "eventcrm-feed";

/// Every public event on the bus, as the template's rule matches them.
pub const PATTERN: &str = r#"{"source":["eventcrm"]}"#;

/// Creates (or finds) the bus `name`, its archive, a queue of the same name and the rule
/// between them; answers the queue's URL.
pub async fn create_feed(config: &aws_config::SdkConfig, name: &str) -> Result<String, String> {
    let (bus, rule, archive) = (name, format!("{name}-to-queue"), format!("{name}-archive"));
    let events = EventBridge::new(config);
    let sqs = Sqs::new(config);
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let bus_arn = match events.describe_event_bus().name(bus).send().await {
        Ok(bus) => bus.arn().unwrap_or_default().to_owned(),
        Err(_) => events
            .create_event_bus()
            .name(bus)
            .send()
            .await
            .map_err(|e| text(&aws_sdk_eventbridge::error::DisplayErrorContext(e)))?
            .event_bus_arn()
            .unwrap_or_default()
            .to_owned(),
    };
    if events
        .describe_archive()
        .archive_name(&archive)
        .send()
        .await
        .is_err()
    {
        events
            .create_archive()
            .archive_name(&archive)
            .event_source_arn(&bus_arn)
            .retention_days(30)
            .send()
            .await
            .map_err(|e| text(&aws_sdk_eventbridge::error::DisplayErrorContext(e)))?;
    }
    let queue_url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .map_err(|e| text(&aws_sdk_sqs::error::DisplayErrorContext(e)))?
        .queue_url()
        .unwrap_or_default()
        .to_owned();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| text(&aws_sdk_sqs::error::DisplayErrorContext(e)))?
        .attributes()
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .unwrap_or_default();
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(bus)
        .event_pattern(PATTERN)
        .send()
        .await
        .map_err(|e| text(&aws_sdk_eventbridge::error::DisplayErrorContext(e)))?;
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("queue")
                .arn(queue_arn)
                .build()
                .map_err(|e| e.to_string())?,
        )
        .send()
        .await
        .map_err(|e| text(&aws_sdk_eventbridge::error::DisplayErrorContext(e)))?;
    Ok(queue_url)
}

/// A replay started: its name, and the archive and bus it runs between.
pub struct Replay {
    pub name: String,
    pub archive_arn: String,
    pub bus_arn: String,
}

/// Starts an EventBridge replay of `archive` onto `bus`: every archived public event recorded
/// from `from` to `to` (Unix seconds) goes to the bus's rules again. The bus event is new (it
/// carries a `replay-name`); the CloudEvent in its `detail`, `id` included, is the original.
pub async fn replay(
    config: &aws_config::SdkConfig,
    bus: &str,
    archive: &str,
    from: i64,
    to: i64,
) -> Result<Replay, String> {
    use aws_sdk_eventbridge::primitives::DateTime;
    fn error<E: std::error::Error>(e: E) -> String {
        aws_sdk_eventbridge::error::DisplayErrorContext(e).to_string()
    }
    let events = EventBridge::new(config);
    let bus_arn = events
        .describe_event_bus()
        .name(bus)
        .send()
        .await
        .map_err(error)?
        .arn()
        .unwrap_or_default()
        .to_owned();
    let archive_arn = events
        .describe_archive()
        .archive_name(archive)
        .send()
        .await
        .map_err(error)?
        .archive_arn()
        .unwrap_or_default()
        .to_owned();
    let name = format!("{bus}-replay-{from}-{to}");
    let destination = aws_sdk_eventbridge::types::ReplayDestination::builder()
        .arn(&bus_arn)
        .build()
        .map_err(|e| e.to_string())?;
    events
        .start_replay()
        .replay_name(&name)
        .event_source_arn(&archive_arn)
        .event_start_time(DateTime::from_secs(from))
        .event_end_time(DateTime::from_secs(to))
        .destination(destination)
        .send()
        .await
        .map_err(error)?;
    Ok(Replay {
        name,
        archive_arn,
        bus_arn,
    })
}

/// Reads what the queue holds now without taking it: rounds of up to 10, each message hidden
/// for a few seconds so the next round brings others, until a round brings nothing new; then
/// they are there again for the next reader.
pub async fn peek(
    config: &aws_config::SdkConfig,
    queue_url: &str,
) -> Result<Vec<serde_json::Value>, String> {
    let sqs = Sqs::new(config);
    let mut seen = std::collections::BTreeSet::new();
    let mut bodies = Vec::new();
    loop {
        let received = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(5)
            .send()
            .await
            .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
        let mut new = 0;
        for message in received.messages() {
            if seen.insert(message.message_id().unwrap_or_default().to_owned()) {
                new += 1;
                bodies.push(
                    serde_json::from_str(message.body().unwrap_or_default())
                        .map_err(|e| e.to_string())?,
                );
            }
        }
        if new == 0 {
            return Ok(bodies);
        }
    }
}

/// Takes what the queue holds now (up to `max`, in batches of 10): each message's body, the
/// bus event whose `detail` is the CloudEvent.
pub async fn drain(
    config: &aws_config::SdkConfig,
    queue_url: &str,
    max: usize,
) -> Result<Vec<serde_json::Value>, String> {
    let sqs = Sqs::new(config);
    let mut bodies = Vec::new();
    while bodies.len() < max {
        let received = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .send()
            .await
            .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
        let messages = received.messages();
        if messages.is_empty() {
            break;
        }
        for message in messages {
            let body: serde_json::Value = serde_json::from_str(message.body().unwrap_or_default())
                .map_err(|e| e.to_string())?;
            bodies.push(body);
            if let Some(handle) = message.receipt_handle() {
                sqs.delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(e).to_string())?;
            }
        }
    }
    Ok(bodies)
}
