#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(shared::Subscribers::new(), case::create_case::handle).await
}
