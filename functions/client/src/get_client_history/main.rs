//! get-client-history: `GET /api/clients/{id}/history`, the generic history of `shared::history`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::runtime::serve(client::registry(), env!("CARGO_BIN_NAME")).await
}
