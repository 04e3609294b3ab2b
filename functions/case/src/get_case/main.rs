#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(shared::Subscribers::new(), case::get_case::handle).await
}
