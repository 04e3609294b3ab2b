#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve_http(shared::Subscribers::new(), contact::list_contacts::handle).await
}
