#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(shared::Subscribers::new(), contact::create_contact::handle).await
}
