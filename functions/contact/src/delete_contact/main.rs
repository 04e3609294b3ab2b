#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use contact::delete_contact;
    shared::runtime::serve_http(delete_contact::subscribers(), delete_contact::handle).await
}
