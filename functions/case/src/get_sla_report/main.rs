#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_host::serve(case::registry(), env!("CARGO_BIN_NAME")).await
}
