#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use client::link_contact;
    shared::runtime::serve_http(link_contact::subscribers(), link_contact::handle).await
}
