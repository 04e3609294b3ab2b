//! `cargo xtask dev [--port P]`: the whole local stack (moto, tables, `cargo lambda watch`).
//! `cargo xtask test`: every test, with moto and the local stack started here.
//! Both install what they need into the git-ignored `.venv` on first use.

mod bench;
mod poller;
mod schedule;
mod seed;
mod stack;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use stack::{run, Project};

const USAGE: &str = "usage:
  cargo xtask dev [--port P] [--batch] [--auth]
                                         start moto, the tables and every function at http://127.0.0.1:P/api (default 9000);
                                         --auth: every route requires a bearer token of the local issuer (see token)
  cargo xtask token [--user ID] [--scopes SCOPES] [--ttl-seconds N]
                                         print a token of the local issuer; SCOPES space-separated
                                         (default: user local-user, crm/read crm/write crm/admin, 1 hour)
  cargo xtask bench [--runs N] [--only BINARIES]
                                         cold starts of every function's release build under a local Lambda Runtime API
                                         (medians of N, default 9): init, first response, warm, peak RSS, next to
                                         hello-world baselines; then DynamoDB requests and capacity on 1, 1,000 and
                                         10,000-event streams (moto). --only a,b: those binaries' cold starts only
  cargo xtask test                       run every test: unit, moto integration, local-stack end to end, template lint
  cargo xtask seed N [--seed S]          create N clients with contacts, links, cases, interactions, closures,
                                         deals and tasks (some overdue, some done)
                                         through the API at $BASE_URL (default http://127.0.0.1:9000/api)
  cargo xtask rebuild-projections [--grace-seconds S]
                                         replay every event of EventStore into a new ProjectionStore generation
                                         beside the live one, switch readers to it, remove the old one S seconds
                                         later (default 65: readers' 5 s pointer cache + the consumer's 60 s timeout);
                                         safe while the consumer runs (tables from EVENT_STORE_TABLE / PROJECTION_STORE_TABLE, DynamoDB from
                                         the AWS environment; locally: AWS_ENDPOINT_URL_DYNAMODB=<moto> as dev prints)
  cargo xtask seal-legacy-events         seal, in place, the personal data of events written before sealing existed
                                         (run once after upgrading; idempotent; same tables and environment as above,
                                         plus KEY_STORE_TABLE). The one command that rewrites stored events.
  cargo xtask package                    build every function for Lambda (arm64, release) as target/lambda/<fn>/bootstrap.zip
  cargo xtask sam ARGS...                the SAM CLI (installed into .venv on first use): sam build, sam deploy --guided
  cargo xtask generate                   write the [[bin]] entries, the local router and the template's function
                                         blocks from the registries (a test fails while they are stale)
  cargo xtask lint-template              cfn-lint and checkov on template.yaml, OpenAPI document check
  cargo xtask setup                      install the local tooling into .venv
  cargo xtask replay-feed --from T [--to T] [--bus NAME] [--archive NAME]
                                         replay the feed's archive onto its bus from instant T (RFC 3339) to T or now;
                                         on AWS name the stack's bus (output FeedBusName) and archive
  cargo xtask feed [--once]              print the public change feed as it arrives (the local stack's queue, from the
                                         standard AWS environment `cargo xtask dev` prints); --once: what is there, then stop";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev(&args[1..]),
        Some("test") => test(),
        Some("lint-template") => {
            Project::locate().and_then(|p| p.setup().and_then(|()| p.lint_template()))
        }
        Some("rebuild-projections") => rebuild_projections(&args[1..]),
        Some("seal-legacy-events") => seal_legacy_events(&args[1..]),
        Some("generate") => generate(),
        Some("token") => token(&args[1..]),
        Some("bench") => bench_cold_starts(&args[1..]),
        Some("seed") => seed(&args[1..]),
        Some("feed") => feed(&args[1..]),
        Some("replay-feed") => replay_feed(&args[1..]),
        Some("sam") => Project::locate().and_then(|p| p.setup().and_then(|()| p.sam(&args[1..]))),
        Some("package") => Project::locate().and_then(|p| p.setup().and_then(|()| p.package())),
        Some("setup") => Project::locate().and_then(|p| p.setup()),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn dev(args: &[String]) -> Result<(), String> {
    let mut port = 9000;
    let mut batch = false;
    let mut auth = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                port = rest
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port takes a port number")?
            }
            "--batch" => batch = true,
            "--auth" => auth = true,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let project = Project::locate()?;
    project.setup()?;
    project.build_console()?;
    let moto = project.start_moto(None)?;
    let stack = project.start_stack(&moto, port, batch, true, auth)?;
    let api = format!("{}api", stack.console_url());
    println!();
    println!("EventCRM local stack is up:");
    println!("  Console   {}", stack.console_url());
    println!(
        "  API       {api} (the functions themselves: {})",
        stack.base_url()
    );
    println!("  DynamoDB  {} (moto)", moto.endpoint());
    println!("  mode      {}", if batch { "batch" } else { "direct" });
    if auth {
        println!("  auth      bearer tokens of the local issuer required (401/403 otherwise)");
        println!("Try: TOKEN=$(cargo xtask token)");
        println!("     curl -s -XPOST {api}/contacts -H \"authorization: Bearer $TOKEN\" -H 'content-type: application/json' -d '{{\"name\":\"Ada\",\"email\":\"ada@example.com\"}}'");
    } else {
        println!("  auth      OPEN: no token needed, anyone who reaches the port may call (as sam local); --auth requires tokens");
        println!("Try: curl -s -XPOST {api}/contacts -H 'content-type: application/json' -d '{{\"name\":\"Ada\",\"email\":\"ada@example.com\"}}'");
    }
    println!(
        "Rebuild the read models: AWS_ENDPOINT_URL_DYNAMODB={} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 cargo xtask rebuild-projections",
        moto.endpoint()
    );
    println!(
        "Watch the public change feed: AWS_ENDPOINT_URL={} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 cargo xtask feed",
        moto.endpoint()
    );
    println!("Ctrl-C stops everything.");
    stack.wait();
    Ok(())
}

/// Runs `job` with the standard AWS environment's configuration, on a runtime of its own.
fn with_aws<T, F, Fut>(job: F) -> Result<T, String>
where
    F: FnOnce(aws_config::SdkConfig) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        job(aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await).await
    })
}

/// Prints each public event of the local feed's queue as it arrives: time, type, subject,
/// sequence and data, one line each (the queue is the worked example's: every public event).
fn feed(args: &[String]) -> Result<(), String> {
    let once = match args {
        [] => false,
        [flag] if flag == "--once" => true,
        _ => return Err(format!("feed takes --once or nothing\n{USAGE}")),
    };
    with_aws(|config| async move {
        let config = &config;
        let queue = publisher::local::create_feed(config, publisher::local::BUS).await?;
        loop {
            let received = publisher::local::drain(config, &queue, 100).await?;
            for message in &received {
                let event = &message["detail"];
                println!(
                    "{} {} {} #{} {}",
                    event["time"].as_str().unwrap_or("?"),
                    event["type"].as_str().unwrap_or("?"),
                    event["subject"].as_str().unwrap_or("?"),
                    event["sequence"]
                        .as_str()
                        .unwrap_or("?")
                        .trim_start_matches('0'),
                    event["data"]
                );
            }
            if once {
                return Ok(());
            }
            if received.is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
    })
}

/// Starts an EventBridge replay of the feed's archive onto its bus: every archived public
/// event from `--from` to `--to` (default now) is delivered again to the bus's rules (a replayed
/// event carries a `replay-name`; its CloudEvent `id` is the original's, so subscribers see a
/// duplicate they already know how to skip).
fn replay_feed(args: &[String]) -> Result<(), String> {
    use time::format_description::well_known::Rfc3339;
    let mut from = None;
    let mut to = None;
    let mut bus = publisher::local::BUS.to_owned();
    let mut archive = format!("{}-archive", publisher::local::BUS);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().cloned().ok_or(format!("{arg} takes a value"));
        match arg.as_str() {
            "--from" => from = Some(value()?),
            "--to" => to = Some(value()?),
            "--bus" => bus = value()?,
            "--archive" => archive = value()?,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let instant = |text: &str| {
        time::OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|e| format!("{text} is not an RFC 3339 instant: {e}"))
    };
    let from = instant(&from.ok_or("replay-feed needs --from <RFC 3339 instant>")?)?;
    let to = match to {
        Some(text) => instant(&text)?,
        None => time::OffsetDateTime::now_utc(),
    };
    with_aws(|config| async move {
        let started = publisher::local::replay(
            &config,
            &bus,
            &archive,
            from.unix_timestamp(),
            to.unix_timestamp(),
        )
        .await?;
        println!(
            "replay {} started: {archive} onto {bus}, {from} to {to}",
            started.name
        );
        println!(
            "(the same with the AWS CLI: aws events start-replay --replay-name {} --event-source-arn {} --event-start-time {} --event-end-time {} --destination Arn={})",
            started.name,
            started.archive_arn,
            from.unix_timestamp(),
            to.unix_timestamp(),
            started.bus_arn
        );
        Ok(())
    })
}

/// Everything the suite published on this stack's feed, taken from its queue and searched for
/// the people's strings the suite and the seeder write: whole names, and the `example` domain
/// of every email. Answers how many public events there were.
fn scan_feed(moto: &stack::Moto) -> Result<usize, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let published = runtime.block_on(async {
        let config = moto.sdk_config().await;
        publisher::local::drain(&config, &moto.feed_queue_url, usize::MAX).await
    })?;
    // Whole names and email domains: strings a random id from the fuzzer will not contain.
    let mut people: Vec<String> = seed::FIRST
        .iter()
        .flat_map(|first| seed::LAST.iter().map(move |last| format!("{first} {last}")))
        .collect();
    people.extend([
        "@example".to_owned(),
        ".example\"".to_owned(),
        "Ada L".to_owned(),
    ]);
    for message in &published {
        let text = message.to_string();
        if let Some(found) = people.iter().find(|p| text.contains(p.as_str())) {
            return Err(format!(
                "the feed published a person's data ({found}): {text}"
            ));
        }
    }
    if published.is_empty() {
        return Err("the suite published nothing on the feed: is the publisher running?".into());
    }
    Ok(published.len())
}

fn test() -> Result<(), String> {
    let project = Project::locate()?;
    project.setup()?;
    run(
        &mut project.cargo(&["fmt", "--all", "--", "--check"]),
        "cargo fmt --check",
    )?;
    run(
        &mut project.cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
        "cargo clippy -D warnings",
    )?;
    // Each aggregate's domain (state, events, decide, policies, views) builds on the core alone,
    // without the `lambda` feature's HTTP adapters and binaries (tests/layers.rs reads the
    // dependency graph; this proves the code compiles so).
    run(
        &mut project.cargo(&[
            "clippy",
            "--no-default-features",
            "--lib",
            "-p",
            "contact",
            "-p",
            "client",
            "-p",
            "case",
            "-p",
            "pipeline",
            "-p",
            "opportunity",
            "-p",
            "task",
            "-p",
            "sla-policy",
            "--",
            "-D",
            "warnings",
        ]),
        "the aggregates' domain builds without its adapters",
    )?;
    project.lint_template()?;
    project.build_console()?;
    project.ensure_chromium()?;
    run(
        Command::new(project.venv_bin("python"))
            .arg(project.root().join("xtask/test_moto_serial.py")),
        "moto_serial.py keeps moto's transaction behaviour",
    )?;
    let moto = project.start_moto(None)?;
    let env = moto.client_env();
    // Unit, handler and moto integration tests of every crate but the local-stack suite.
    run(
        project
            .cargo(&["test", "--workspace", "--exclude", "xtask"])
            .envs(env.clone()),
        "cargo test --workspace",
    )?;
    drop(moto);
    // The end-to-end suite drives the real local stack over HTTP, in both write modes, each
    // on an emulator of its own: a stack's stream poller starts from the oldest record, so a
    // shared one would first wade through the other stack's events.
    for batch in [false, true] {
        let moto = project.start_moto(None)?;
        let env = moto.client_env();
        let port = stack::free_port()?;
        // The batch stack also requires tokens, as `dev --auth` does; the direct one is open.
        let auth = batch;
        let stack = project.start_stack(&moto, port, batch, false, auth)?;
        let mut e2e = project.cargo(&["test", "--package", "xtask"]);
        e2e.envs(env.clone())
            .env("EVENTCRM_BASE_URL", stack.base_url())
            .env("EVENTCRM_FEED_QUEUE_URL", &moto.feed_queue_url)
            .env("EVENTCRM_MODE", if batch { "batch" } else { "direct" })
            .env("EVENTCRM_AUTH", if auth { "local" } else { "open" });
        if auth {
            let scopes: Vec<&str> = http_api::auth::Scope::ALL
                .iter()
                .map(|s| s.name())
                .collect();
            e2e.env(
                "EVENTCRM_TOKEN",
                project.local_token("e2e-user", &scopes, 3600)?,
            );
        }
        run(&mut e2e, "end-to-end tests against the local stack")
            .inspect_err(|_| stack.print_function_errors())?;
        project
            .browser_tests(&stack, auth)
            .inspect_err(|_| stack.print_function_errors())?;
        if !batch {
            run(
                project
                    .cargo(&["test", "--package", "xtask", "--test", "load"])
                    .args(["--", "--ignored", "--nocapture"])
                    .envs(env.clone())
                    .env("EVENTCRM_BASE_URL", stack.base_url()),
                "load test: 50 clients for 30 s against the local stack",
            )
            .inspect_err(|_| stack.print_function_errors())?;
            project
                .schemathesis(&stack.origin())
                .inspect_err(|_| stack.print_function_errors())?;
        }
        let published = scan_feed(&moto)?;
        println!(
            "feed: {published} public events published by the suite, none with a person's data"
        );
        drop(stack);
    }
    Ok(())
}

/// A command's `--name value` options, in order.
fn options(args: &[String]) -> Result<Vec<(&str, &str)>, String> {
    args.chunks(2)
        .map(|pair| match pair {
            [flag, value] => Ok((flag.as_str(), value.as_str())),
            _ => Err(format!("{} takes a value\n{USAGE}", pair.concat())),
        })
        .collect()
}

fn bench_cold_starts(args: &[String]) -> Result<(), String> {
    let mut runs = 9;
    let mut only: Option<Vec<String>> = None;
    for (flag, value) in options(args)? {
        match flag {
            "--runs" => runs = value.parse().map_err(|_| "--runs takes a number")?,
            "--only" => only = Some(value.split(',').map(str::to_owned).collect()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let project = Project::locate()?;
    project.setup()?;
    // (binary, package, event): the baselines, then every function of the template with the
    // first route it serves. GETs read the event store or the read models for a record that
    // does not exist (404); commands are sent without a body (400, before any DynamoDB call);
    // the stream consumer gets an empty batch.
    let mut rows = vec![
        ("hello", "hello", bench::http_event("GET", "/hello")),
        (
            "hello-dynamodb",
            "hello",
            bench::http_event("GET", "/hello"),
        ),
    ];
    for registry in stream_consumer::registries() {
        for slice in &registry.slices {
            if let Some((method, route)) = slice.routes.first() {
                rows.push((
                    slice.function,
                    registry.aggregate,
                    bench::http_event(method, route),
                ));
            }
        }
    }
    rows.push((
        "stream-consumer",
        "stream-consumer",
        r#"{"Records":[]}"#.to_owned(),
    ));
    // The functions no route serves: the breach schedule's job (a run that finds nothing
    // due) and the feed's publisher (an empty batch).
    rows.push((
        case::record_sla_breaches::FUNCTION,
        "case",
        r#"{"source":"aws.scheduler","detail":{}}"#.to_owned(),
    ));
    rows.push(("publisher", "publisher", r#"{"Records":[]}"#.to_owned()));
    // The hello world stays: every ratio is to it.
    if let Some(only) = &only {
        rows.retain(|(binary, _, _)| *binary == "hello" || only.iter().any(|o| o == binary));
    }
    let mut build = project.cargo(&["build", "--release"]);
    for (binary, package, _) in &rows {
        build.args(["-p", package, "--bin", binary]);
    }
    run(&mut build, "cargo build --release (bench binaries)")?;
    let moto = project.start_moto(None)?;
    stack::create_tables(&moto)?;
    let mut env: Vec<(String, String)> = moto.client_env().into_iter().collect();
    for (name, value) in [
        ("AUTH_MODE", "open"),
        ("EVENT_STORE_MODE", "direct"),
        ("FUNCTION_TIMEOUT_SECONDS", "10"),
        ("CURSOR_SECRET", "bench"),
        ("RUST_LOG", "warn"),
        ("EVENT_BUS_NAME", publisher::local::BUS),
    ] {
        env.push((name.to_owned(), value.to_owned()));
    }
    let mut samples: Vec<Vec<bench::Sample>> = vec![Vec::new(); rows.len()];
    for _ in 0..runs {
        for (i, (binary, _, event)) in rows.iter().enumerate() {
            let path_to = project.root().join("target/release").join(binary);
            let sample = bench::cold_start(&path_to, &env, event, 20)?;
            samples[i].push(sample);
        }
    }
    let binaries: Vec<PathBuf> = rows
        .iter()
        .map(|(binary, _, _)| project.root().join("target/release").join(binary))
        .collect();
    let zipped = zipped_sizes(&project, &binaries)?;
    println!("| binary | init | init ÷ hello | first response | warm (median of 20) | peak RSS | size | zipped | status |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let ms = |d: std::time::Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let init_of = |samples: &[bench::Sample]| {
        bench::median(samples.iter().map(|s| s.init).collect::<Vec<_>>())
    };
    let hello = init_of(&samples[0]).as_secs_f64();
    for (((binary, _, _), samples), zipped) in rows.iter().zip(&samples).zip(&zipped) {
        let init = init_of(samples);
        let first = bench::median(samples.iter().map(|s| s.first_response).collect());
        let warm = bench::median(samples.iter().flat_map(|s| s.warm.clone()).collect());
        let rss = samples.iter().map(|s| s.peak_rss_kb).max().unwrap_or(0);
        let size = std::fs::metadata(project.root().join("target/release").join(binary))
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "| {binary} | {} | {:.2}x | {} | {} | {:.1} MB | {:.1} MB | {:.2} MB | {} |",
            ms(init),
            init.as_secs_f64() / hello,
            ms(first),
            ms(warm),
            rss as f64 / 1024.0,
            size as f64 / 1_048_576.0,
            *zipped as f64 / 1_000_000.0,
            samples.first().map_or(0, |s| s.status)
        );
    }
    println!("\n{runs} cold starts each, alternating binaries; reproduce: cargo xtask bench --runs {runs}");
    println!("zipped: this build's binary as Lambda's bootstrap.zip (deflate); the arm64 zips Lambda runs: cargo xtask package");
    if only.is_some() {
        // A chosen few: cold starts only.
        return Ok(());
    }
    long_streams(&project, &moto)?;
    pipeline_figures(&project, &moto)?;
    overdue_tasks(&project, &moto)?;
    case_queues(&project, &moto)?;
    consumer_batches(&project, &moto)?;
    in_process(&project)
}

/// Each file's size zipped as `cargo lambda build --output-format zip` packs a bootstrap
/// (deflate, default level), by Python's zipfile from the tool venv.
fn zipped_sizes(project: &Project, files: &[PathBuf]) -> Result<Vec<u64>, String> {
    const SCRIPT: &str = "import io, sys, zipfile\nfor path in sys.argv[1:]:\n    out = io.BytesIO()\n    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:\n        z.write(path, 'bootstrap')\n    print(len(out.getvalue()))\n";
    let output = Command::new(project.venv_bin("python"))
        .arg("-c")
        .arg(SCRIPT)
        .args(files)
        .output()
        .map_err(|e| format!("cannot run the venv's python: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "zipping the binaries failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            line.trim()
                .parse()
                .map_err(|_| format!("zip size {line:?}"))
        })
        .collect()
}

/// Runs a test (or bench) on this moto and returns its stdout, failing loudly if it fails.
fn output_of(mut command: Command, what: &str) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn table_rows(stdout: &str) {
    for line in stdout.lines().filter(|line| line.starts_with('|')) {
        println!("{line}");
    }
}

/// DynamoDB requests and capacity of a full 100-record batch of the stream consumer.
fn consumer_batches(project: &Project, moto: &stack::Moto) -> Result<(), String> {
    test_table(
        project,
        moto,
        &["stream-consumer", "dynamodb", "a_hundred_record_batch"],
        &[],
        "| stream consumer batch | DynamoDB requests | capacity |\n|---|---|---|",
        "cargo test -p stream-consumer --test dynamodb a_hundred_record_batch -- --nocapture (on moto)",
    )
}

/// Runs `[package, test target, filter]` on this moto and prints the table rows it prints
/// under `header`.
fn test_table(
    project: &Project,
    moto: &stack::Moto,
    [package, target, filter]: &[&str; 3],
    env: &[(&str, &str)],
    header: &str,
    reproduce: &str,
) -> Result<(), String> {
    let mut test = project.cargo(&[
        "test",
        "-p",
        package,
        "--test",
        target,
        filter,
        "--",
        "--nocapture",
    ]);
    test.envs(moto.client_env()).envs(env.iter().copied());
    let stdout = output_of(test, &format!("{package}'s {target} test"))?;
    println!("\n{header}");
    table_rows(&stdout);
    println!("\nreproduce: {reproduce}");
    Ok(())
}

/// Warm in-process throughput of every route and of the stream consumer (no network).
fn in_process(project: &Project) -> Result<(), String> {
    let bench = project.cargo(&["bench", "-p", "stream-consumer", "--bench", "throughput"]);
    let stdout = output_of(bench, "the throughput bench")?;
    println!("\n```\n{}```", stdout.trim_start());
    println!("reproduce: cargo bench -p stream-consumer --bench throughput");
    Ok(())
}

/// DynamoDB requests and capacity of reads and commands on streams of 1, 1,000 and 10,000
/// events: the long-stream test, run longer (CI runs it with 1 and 1,000).
fn long_streams(project: &Project, moto: &stack::Moto) -> Result<(), String> {
    test_table(
        project,
        moto,
        &["case", "long_streams", ""],
        &[("LONG_STREAM_LENGTHS", "1,100,1000,10000")],
        "| mode | events | whole stream (every read, before snapshots) | GET case | history page (20) | 8 add-interaction |\n|---|---|---|---|---|---|",
        "cargo xtask bench (or LONG_STREAM_LENGTHS=1,100,1000,10000 cargo test -p case --test long_streams -- --nocapture, on moto)",
    )
}

/// DynamoDB requests of a pipeline's summary (as of a past instant, and now), forecast and
/// velocity at 10 and 2,000 opportunities (CI runs it with 10 and 40).
fn pipeline_figures(project: &Project, moto: &stack::Moto) -> Result<(), String> {
    test_table(
        project,
        moto,
        &["opportunity", "figures", "figures_cost_the_same"],
        &[("FIGURES_SIZES", "10,2000")],
        "| opportunities | summary asOf (requests) | summary now | forecast (a year) | velocity |\n|---|---|---|---|---|",
        "cargo xtask bench (or FIGURES_SIZES=10,2000 cargo test -p opportunity --test figures figures_cost -- --nocapture, on moto)",
    )
}

/// DynamoDB requests and read capacity of an overdue page (an assignee's, everyone's) at 10
/// and 5,000 tasks (CI runs it with 10 and 40).
fn overdue_tasks(project: &Project, moto: &stack::Moto) -> Result<(), String> {
    test_table(
        project,
        moto,
        &["task", "dynamodb", "an_overdue_page_costs_the_same"],
        &[("TASK_SIZES", "10,5000")],
        "| tasks | an assignee's overdue page (3): read-model requests | stream reads | read units | everyone's overdue page (3) | stream reads | read units |\n|---|---|---|---|---|---|---|",
        "cargo xtask bench (or TASK_SIZES=10,5000 cargo test -p task --test dynamodb an_overdue_page -- --nocapture, on moto)",
    )
}

/// DynamoDB requests and read units of a page of the due queue (everyone's, an assignee's) and
/// of an assignee's open queue at 10 and 5,000 cases (CI runs it with 10 and 40).
fn case_queues(project: &Project, moto: &stack::Moto) -> Result<(), String> {
    test_table(
        project,
        moto,
        &["case", "queues", "a_queue_page_costs_the_same"],
        &[("CASE_SIZES", "10,5000")],
        "| cases | due page (3): requests | read units | an assignee's due page | read units | an assignee's open page | read units |\n|---|---|---|---|---|---|---|",
        "cargo xtask bench (or CASE_SIZES=10,5000 cargo test -p case --test queues a_queue_page -- --nocapture, on moto)",
    )
}

fn token(args: &[String]) -> Result<(), String> {
    let mut user = "local-user".to_owned();
    let mut scopes = http_api::auth::Scope::ALL
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(" ");
    let mut lifetime = 3600;
    for (flag, value) in options(args)? {
        match flag {
            "--user" => user = value.to_owned(),
            "--scopes" => scopes = value.to_owned(),
            "--ttl-seconds" => {
                lifetime = value
                    .parse()
                    .map_err(|_| "--ttl-seconds takes a number".to_owned())?
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let scopes: Vec<&str> = scopes.split_whitespace().collect();
    println!(
        "{}",
        Project::locate()?.local_token(&user, &scopes, lifetime)?
    );
    Ok(())
}

fn generate() -> Result<(), String> {
    let project = Project::locate()?;
    let changed = xtask::generate::write(project.root(), &stream_consumer::registries())?;
    for path in &changed {
        println!("wrote {}", path.display());
    }
    if changed.is_empty() {
        println!("every generated file is current");
    }
    Ok(())
}

fn rebuild_projections(args: &[String]) -> Result<(), String> {
    let grace = match args {
        [] => 65,
        [flag, seconds] if flag == "--grace-seconds" => seconds
            .parse()
            .map_err(|_| format!("--grace-seconds takes a number of seconds\n{USAGE}"))?,
        _ => return Err(format!("unknown arguments {args:?}\n{USAGE}")),
    };
    let grace = std::time::Duration::from_secs(grace);
    with_tables(|events, keys, views| async move {
        println!(
            "rebuilding into a new generation; the old one is removed {} s after the switch",
            grace.as_secs()
        );
        let rebuilt = stream_consumer::rebuild(&events, keys, &views, grace).await?;
        println!(
            "generation {} is live: {} events replayed, {} item writes, {} old items removed",
            rebuilt.generation, rebuilt.replayed, rebuilt.writes, rebuilt.removed
        );
        Ok(())
    })
}

fn seal_legacy_events(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("unknown arguments {args:?}\n{USAGE}"));
    }
    with_tables(|events, keys, _| async move {
        let sealed = stream_consumer::seal_legacy_events(&events, keys.as_ref()).await?;
        println!("{sealed} event(s) from before sealing now sealed; the rest already were");
        Ok(())
    })
}

/// Runs `work` on the three tables named by the environment (see `USAGE`).
fn with_tables<F, Fut>(work: F) -> Result<(), String>
where
    F: FnOnce(
        dynamodb_adapters::DynamoEventStore,
        std::sync::Arc<dynamodb_adapters::DynamoKeyStore>,
        dynamodb_adapters::DynamoProjectionStore,
    ) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let client = aws_sdk_dynamodb::Client::new(&config);
        let table =
            |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.to_owned());
        let events = dynamodb_adapters::DynamoEventStore::new(
            client.clone(),
            table("EVENT_STORE_TABLE", dynamodb_adapters::DEFAULT_EVENT_TABLE),
        );
        let keys = std::sync::Arc::new(dynamodb_adapters::DynamoKeyStore::new(
            client.clone(),
            table("KEY_STORE_TABLE", dynamodb_adapters::DEFAULT_KEY_TABLE),
        ));
        let views = dynamodb_adapters::DynamoProjectionStore::new(
            client,
            table(
                "PROJECTION_STORE_TABLE",
                dynamodb_adapters::DEFAULT_PROJECTION_TABLE,
            ),
        );
        work(events, keys, views).await
    })
}

fn seed(args: &[String]) -> Result<(), String> {
    let count: usize = args
        .first()
        .and_then(|n| n.parse().ok())
        .ok_or(format!("seed takes how many clients to create\n{USAGE}"))?;
    let random_seed = match args.get(1).map(String::as_str) {
        Some("--seed") => args
            .get(2)
            .and_then(|s| s.parse().ok())
            .ok_or("--seed takes a number")?,
        Some(other) => return Err(format!("unknown option {other}")),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(7),
    };
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9000/api".into());
    let seeded = seed::seed(count, &base_url, random_seed)?;
    println!(
        "seeded {base_url}: {} clients, {} contacts, {} links, {} cases ({} waiting, {} solved, {} closed), {} interactions, 1 pipeline, {} opportunities ({} won, {} lost), {} tasks ({} overdue, {} done)",
        seeded.clients, seeded.contacts, seeded.links, seeded.cases, seeded.waiting, seeded.solved, seeded.closed, seeded.interactions,
        seeded.opportunities, seeded.won, seeded.lost, seeded.tasks, seeded.overdue, seeded.done
    );
    Ok(())
}
