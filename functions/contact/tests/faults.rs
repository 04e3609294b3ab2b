//! Faults between the functions and DynamoDB: a TCP proxy in front of moto stalls or drops
//! traffic mid-request. Every answer must be a 503 problem+json with `Retry-After`, within the
//! function's time budget, saying whether anything may have been written; and nothing is ever
//! half-written.

// Test helpers, outside `#[test]` functions, may fail the test as tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use contact::fixtures::ada_body;
use dynamodb_adapters::event_store::create_event_store_table;
use dynamodb_adapters::testing::dynamodb_endpoint;
use dynamodb_adapters::DynamoEventStore;
use event_sourcing::{EventStore, StreamId, WriteMode};
use http_api::testing::assert_problem;
use lambda_host::testing::TestApi;
use lambda_host::TimeBudget;
use serde_json::json;

const FORWARD: u8 = 0;
const STALL: u8 = 1;
const DROP: u8 = 2;

/// Forwards TCP to moto, or stalls (holds every byte), or drops (closes) the connection, as
/// `mode` says at each chunk: a fault can strike an open, pooled connection mid-request.
struct Proxy {
    address: SocketAddr,
    mode: Arc<AtomicU8>,
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(FORWARD));
        let shared_mode = mode.clone();
        std::thread::spawn(move || {
            for inbound in listener.incoming().flatten() {
                let Ok(outbound) = TcpStream::connect(upstream) else {
                    continue;
                };
                let (in_read, out_read) =
                    (inbound.try_clone().unwrap(), outbound.try_clone().unwrap());
                let (up, down) = (shared_mode.clone(), shared_mode.clone());
                std::thread::spawn(move || pipe(in_read, outbound, up));
                std::thread::spawn(move || pipe(out_read, inbound, down));
            }
        });
        Self { address, mode }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, mode: Arc<AtomicU8>) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        match mode.load(Ordering::SeqCst) {
            // Hold the bytes and the connection, as a stalled network does.
            STALL => loop {
                std::thread::sleep(Duration::from_secs(3600));
            },
            DROP => break,
            _ => {}
        }
        if to.write_all(&buffer[..read]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
    let _ = from.shutdown(std::net::Shutdown::Both);
}

/// A contact API whose DynamoDB traffic goes through the proxy, with a 3 s function budget.
async fn api_behind(proxy: &Proxy, budget: TimeBudget) -> TestApi<DynamoEventStore> {
    let direct = dynamodb_adapters::testing::moto_client(&Default::default());
    let table = format!("EventStore-faults-{}", uuid::Uuid::new_v4().simple());
    create_event_store_table(&direct, &table).await.unwrap();
    let config = budget.sdk_timeouts().apply(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(format!("http://{}", proxy.address))
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "faults")),
    );
    let store = DynamoEventStore::new(aws_sdk_dynamodb::Client::from_conf(config.build()), table);
    let mut api = TestApi::on([contact::registry()], Arc::new(store), WriteMode::Direct);
    api.app.budget = budget;
    api
}

fn moto_address() -> SocketAddr {
    let endpoint = dynamodb_endpoint();
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    host.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_or_dropped_dynamodb_gets_a_fast_503_and_nothing_half_written() {
    let budget = TimeBudget::new(Duration::from_secs(3));
    let proxy = Proxy::start(moto_address());
    let api = api_behind(&proxy, budget).await;
    assert_eq!(
        api.call("POST", "/api/contacts", Some(ada_body()))
            .await
            .status(),
        201
    );

    for (mode, fault) in [(STALL, "stalled"), (DROP, "dropped")] {
        proxy.set(mode);
        let calls = [
            (
                "POST",
                "/api/contacts".to_owned(),
                Some(
                    json!({ "contactId": format!("new-{mode}"), "name": "Bea", "email": "bea@example.com" }),
                ),
            ),
            (
                "PATCH",
                "/api/contacts/c1".to_owned(),
                Some(json!({ "name": "Ada L" })),
            ),
            ("GET", "/api/contacts/c1".to_owned(), None),
        ];
        for (method, path, body) in calls {
            let started = Instant::now();
            let response = api.call(method, &path, body).await;
            let took = started.elapsed();
            let problem = assert_problem(&response, 503);
            assert!(
                response.headers().contains_key("retry-after"),
                "{fault} {method} {path}: no Retry-After"
            );
            // The answer comes within the function's time budget, never after its timeout.
            assert!(
                took < budget.function(),
                "{fault} {method} {path} took {took:?}"
            );
            let detail = problem["detail"].as_str().unwrap();
            eprintln!("{fault} {method} {path}: 503 in {took:?}: {detail}");
            assert!(
                detail.contains("nothing was written") || detail.contains("may have"),
                "{fault} {method} {path}: the answer does not say what was written: {detail}"
            );
        }
        proxy.set(FORWARD);
    }

    // Nothing is half-written: every stream holds whole appends at contiguous versions.
    let store = &api.store;
    let ada = store.load(&StreamId::new("contact", "c1")).await.unwrap();
    assert!(ada.iter().map(|e| e.version).eq(1..=ada.len() as u64));
    for mode in [STALL, DROP] {
        let created = store
            .load(&StreamId::new("contact", format!("new-{mode}")))
            .await
            .unwrap();
        assert!(created.len() <= 1, "{created:?}");
    }
}
