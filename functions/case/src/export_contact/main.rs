#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve(case::registry(), env!("CARGO_BIN_NAME")).await
}
