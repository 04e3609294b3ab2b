#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(shared::Subscribers::new(), client::list_clients::handle).await
}
