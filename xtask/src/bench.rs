//! `cargo xtask bench`: cold start of release builds under a local Lambda Runtime API.
//!
//! Each binary is spawned with `AWS_LAMBDA_RUNTIME_API` pointing at a small server here that
//! speaks the Runtime API: init is spawn → its first `GET /invocation/next`; first response is
//! spawn → the first `POST /invocation/<id>/response`; warm is the median of later invocations
//! (next → response); peak RSS is the process's `VmHWM` before it is stopped. All rows are
//! measured in one run, alternating binaries, so the machine's noise falls on all alike.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One measured cold start and its warm invocations.
#[derive(Clone, Debug)]
pub struct Sample {
    pub init: Duration,
    pub first_response: Duration,
    pub warm: Vec<Duration>,
    pub peak_rss_kb: u64,
    pub status: u16,
}

/// What the runtime API saw, in order.
enum Seen {
    Next(Instant),
    Response(Instant, String),
}

/// Serves the Runtime API on `listener`, each connection on a thread of its own (the runtime's
/// HTTP client may open a new one at any time). Lives as long as the process: a bench run.
fn serve(listener: TcpListener, event: String, seen: mpsc::Sender<Seen>) {
    let next_id = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        let (event, seen, next_id) = (event.clone(), seen.clone(), next_id.clone());
        std::thread::spawn(move || {
            let _ = connection(stream, &event, &seen, &next_id);
        });
    }
}

fn connection(
    mut stream: std::net::TcpStream,
    event: &str,
    seen: &mpsc::Sender<Seen>,
    next_id: &std::sync::atomic::AtomicUsize,
) -> std::io::Result<()> {
    // Answers go out at once (Nagle's algorithm would hold them for the peer's delayed ACK).
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let at = Instant::now();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header == "\r\n" {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        if line.starts_with("GET") && path.ends_with("/invocation/next") {
            let _ = seen.send(Seen::Next(at));
            let id = next_id.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() + 10_000)
                .unwrap_or(0);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nlambda-runtime-aws-request-id: req-{id}\r\nlambda-runtime-deadline-ms: {deadline}\r\nlambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:000000000000:function:bench\r\nlambda-runtime-trace-id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0\r\ncontent-length: {}\r\n\r\n",
                event.len()
            );
            stream.write_all(format!("{head}{event}").as_bytes())?;
        } else {
            stream.write_all(
                b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
            )?;
            if path.ends_with("/response") || path.ends_with("/error") {
                let _ = seen.send(Seen::Response(
                    at,
                    String::from_utf8_lossy(&body).into_owned(),
                ));
            }
        }
    }
}

/// An API Gateway HTTP API (payload v2) event for `GET path`.
/// An API Gateway (payload v2) event for `route` (e.g. `/api/contacts/{id}`), every path
/// parameter `bench-missing`: a record that does not exist.
pub fn http_event(method: &str, route: &str) -> String {
    let mut parameters = serde_json::Map::new();
    let path = route
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    parameters.insert(name.to_owned(), "bench-missing".into());
                    "bench-missing"
                }
                None => segment,
            },
        )
        .collect::<Vec<_>>()
        .join("/");
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("{method} {route}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": { "host": "bench.local", "content-type": "application/json" },
        "requestContext": {
            "accountId": "000000000000", "apiId": "bench", "domainName": "bench.local",
            "domainPrefix": "bench", "requestId": "bench-request", "routeKey": format!("{method} {route}"),
            "stage": "$default", "time": "27/Nov/2026:00:00:00 +0000", "timeEpoch": 1795737600000u64,
            "http": { "method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench" }
        },
        "pathParameters": (!parameters.is_empty()).then_some(parameters),
        "isBase64Encoded": false
    })
    .to_string()
}

fn peak_rss_kb(child: &Child) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One cold start of `binary` followed by `warm` invocations, all with `event`.
pub fn cold_start(
    binary: &Path,
    env: &[(String, String)],
    event: &str,
    warm: usize,
) -> Result<Sample, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let (sender, seen) = mpsc::channel();
    let event = event.to_owned();
    std::thread::spawn(move || serve(listener, event, sender));
    let start = Instant::now();
    let mut child = Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let timeout = Duration::from_secs(30);
    let mut next = Vec::new();
    let mut responses = Vec::new();
    while responses.len() < warm + 1 {
        match seen.recv_timeout(timeout) {
            Ok(Seen::Next(at)) => next.push(at),
            Ok(Seen::Response(at, body)) => responses.push((at, body)),
            Err(_) => {
                let _ = child.kill();
                return Err(format!("{} did not answer", binary.display()));
            }
        }
    }
    let peak_rss_kb = peak_rss_kb(&child);
    let _ = child.kill();
    let _ = child.wait();
    let (first_at, first_body) = responses.first().cloned().ok_or("no response")?;
    let status = serde_json::from_str::<serde_json::Value>(&first_body)
        .ok()
        .and_then(|v| v["statusCode"].as_u64())
        .unwrap_or(0) as u16;
    let warm = responses
        .iter()
        .skip(1)
        .zip(next.iter().skip(1))
        .map(|((answered, _), asked)| answered.duration_since(*asked))
        .collect();
    Ok(Sample {
        init: next
            .first()
            .ok_or("never asked for an event")?
            .duration_since(start),
        first_response: first_at.duration_since(start),
        warm,
        peak_rss_kb,
        status,
    })
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}
