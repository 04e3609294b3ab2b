use std::sync::Arc;

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::runtime::init_logging();
    let stores = shared::runtime::dynamo_stores_from_env().await;
    let events = Arc::new(shared::personal::SealedStore::new(
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
