use std::sync::Arc;

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_host::init_logging();
    let stores = dynamodb_adapters::dynamo_stores_from_env(
        lambda_host::TimeBudget::from_env().sdk_timeouts(),
    )
    .await;
    let events = Arc::new(crypto_shredding::SealedStore::new(
        stores.events,
        stores.keys,
    ));
    let consumer = Arc::new(stream_consumer::consumer(stores.views, events));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let consumer = consumer.clone();
        async move {
            Ok::<_, lambda_runtime::Error>(stream_consumer::handle(&consumer, event.payload).await)
        }
    }))
    .await
}
