//! get-opportunity-history: `GET /api/opportunities/{id}/history`, the generic history of `http_api::history`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_host::serve(opportunity::registry(), env!("CARGO_BIN_NAME")).await
}
