//! Logging: JSON lines on Lambda, text elsewhere.

/// JSON lines on Lambda when `AWS_LAMBDA_LOG_FORMAT=JSON`, readable text otherwise. The level
/// comes from `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`, else info.
pub fn init_logging() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into())
        .to_lowercase();
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // An error means one is installed already (tests): keep that one.
    if json {
        let _ = tracing::subscriber::set_global_default(json_logs(&level, std::io::stdout));
    } else {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter(&level))
            .with_target(false)
            .try_init();
    }
}

fn filter(level: &str) -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

/// One JSON object per line. Lines logged while a request is served carry its span's fields:
/// `trace_id`, `span_id` and the Lambda `request_id`. CloudWatch adds the time.
pub fn json_logs<W>(level: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_ansi(false)
        .with_writer(writer)
        .finish()
}
