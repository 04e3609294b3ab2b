#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve(contact::registry(), env!("CARGO_BIN_NAME")).await
}
