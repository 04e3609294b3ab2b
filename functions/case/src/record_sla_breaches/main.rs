#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_host::serve_scheduled(
        case::record_sla_breaches::FUNCTION,
        case::record_sla_breaches::run,
    )
    .await
}
