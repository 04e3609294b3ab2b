//! The floor plus a DynamoDB client built the SDK's default way (the system's root store).

use lambda_http::{service_fn, Body, Error, Request, Response};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    lambda_http::run(service_fn(move |_: Request| {
        let _client = client.clone();
        async { Ok::<_, Error>(Response::new(Body::from("hello"))) }
    }))
    .await
}
