#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use client::unlink_contact;
    shared::runtime::serve_http(unlink_contact::subscribers(), unlink_contact::handle).await
}
