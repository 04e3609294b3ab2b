//! Local infrastructure: the tool venv, moto, the tables, and `cargo lambda watch`.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Project {
    root: PathBuf,
}

/// Runs a step to its end; a step of more than a few seconds says how long it took, so a CI
/// log shows where its minutes go.
pub fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    let took = started.elapsed();
    if took > Duration::from_secs(5) {
        eprintln!("xtask: {what}: {} s", took.as_secs());
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A plain HTTP/1.0 GET, so readiness checks need no client library. Returns the status code.
pub fn http_status(host_port: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(host_port).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host_port}\r\n\r\n").ok()?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head).ok()?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A child process group, ended with the guard.
pub struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    fn spawn(name: &'static str, command: &mut Command, log: &Path) -> Result<Self, String> {
        let out = fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Self { name, child })
    }

    fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(format!("{} exited early ({status})", self.name)),
            _ => None,
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // The whole group: cargo lambda watch starts one process per function.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

pub struct Moto {
    endpoint: String,
    /// The queue the local feed's rule fills (every public event).
    pub feed_queue_url: String,
    _service: Service,
}

impl Moto {
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// An AWS SDK configuration for every service of this moto.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(self.endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test", "test", None, None, "moto",
            ))
            .load()
            .await
    }

    /// What an AWS SDK client needs to talk to this moto.
    pub fn client_env(&self) -> HashMap<String, String> {
        [
            ("AWS_ENDPOINT_URL_DYNAMODB", self.endpoint.as_str()),
            ("AWS_ENDPOINT_URL_DYNAMODBSTREAMS", self.endpoint.as_str()),
            ("AWS_ENDPOINT_URL_EVENTBRIDGE", self.endpoint.as_str()),
            ("AWS_ENDPOINT_URL_SQS", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

pub struct Stack {
    base_url: String,
    console_url: String,
    // Declared first so they stop before the functions they feed.
    _console: Service,
    _schedule: crate::schedule::Schedule,
    _poller: crate::poller::Poller,
    _publisher: crate::poller::Poller,
    service: Service,
    log: PathBuf,
}

impl Stack {
    /// The functions themselves (`cargo lambda watch`), for the API suites.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The console at `/` with the API proxied at `/api`: one origin, as CloudFront serves it.
    pub fn console_url(&self) -> &str {
        &self.console_url
    }

    /// The functions' errors and panics so far (the emulator's own noise left out), for a
    /// failed step to show what the functions saw: CI keeps only what is printed.
    pub fn print_function_errors(&self) {
        const NOISE: [&str; 5] = [
            "available_functions",
            "MaxFilesWatch",
            "fs watcher",
            "waitpid",
            "concurrency-tokio",
        ];
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let errors: Vec<&str> = text
            .lines()
            .filter(|line| {
                ["ERROR", "panicked", " 500 "]
                    .iter()
                    .any(|m| line.contains(m))
            })
            .filter(|line| !NOISE.iter().any(|n| line.contains(n)))
            .collect();
        eprintln!(
            "xtask: the last function errors in {} ({} in all):",
            self.log.display(),
            errors.len()
        );
        for line in &errors[errors.len().saturating_sub(40)..] {
            eprintln!("  {}", line.chars().take(600).collect::<String>());
        }
    }

    /// Scheme, host and port: the OpenAPI document's paths carry the `/api` prefix.
    pub fn origin(&self) -> String {
        self.base_url.trim_end_matches("/api").to_owned()
    }

    /// Serves until Ctrl-C or SIGTERM (the services run in their own process groups, so the
    /// signal reaches only us, and dropping the guards ends them), or until the watcher exits.
    pub fn wait(mut self) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut interrupt), Ok(mut terminate)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                return;
            };
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = interrupt.recv() => break,
                    _ = terminate.recv() => break,
                    _ = tick.tick() => {
                        if let Some(message) = self.service.exited() {
                            eprintln!("xtask: {message}");
                            break;
                        }
                    }
                }
            }
        });
        eprintln!("xtask: stopping the local stack");
    }
}

impl Project {
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn locate() -> Result<Self, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask is not inside the workspace")?
            .to_path_buf();
        fs::create_dir_all(root.join(".local")).map_err(|e| e.to_string())?;
        Ok(Self { root })
    }

    pub fn venv_bin(&self, tool: &str) -> PathBuf {
        self.root.join(".venv/bin").join(tool)
    }

    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.current_dir(&self.root).args(args);
        command
    }

    /// Creates `.venv` and installs `xtask/requirements.txt` into it, once per change of that file.
    pub fn setup(&self) -> Result<(), String> {
        let requirements = self.root.join("xtask/requirements.txt");
        let wanted = fs::read_to_string(&requirements).map_err(|e| e.to_string())?;
        let stamp = self.root.join(".venv/.installed-requirements");
        if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str())
            && self.venv_bin("moto_server").exists()
        {
            return Ok(());
        }
        if !self.venv_bin("python").exists() {
            eprintln!("xtask: creating .venv");
            run(
                Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(self.root.join(".venv")),
                "python3 -m venv .venv",
            )?;
        }
        eprintln!("xtask: installing local tooling (moto, cargo-lambda, cfn-lint) into .venv");
        run(
            Command::new(self.venv_bin("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(&requirements),
            "pip install -r xtask/requirements.txt",
        )?;
        fs::write(&stamp, wanted).map_err(|e| e.to_string())
    }

    pub fn start_moto(&self, port: Option<u16>) -> Result<Moto, String> {
        let port = match port {
            Some(port) => port,
            None => free_port()?,
        };
        let log = self.root.join(".local/moto.log");
        let mut service = Service::spawn(
            "moto",
            Command::new(self.venv_bin("python"))
                .arg(self.root.join("xtask/moto_serial.py"))
                .args(["127.0.0.1", &port.to_string()]),
            &log,
        )?;
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while http_status(&address, "/moto-api/").is_none() {
            if let Some(message) = service.exited() {
                return Err(format!("{message}; see {}", log.display()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto did not answer on {address}; see {}",
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let mut moto = Moto {
            endpoint: format!("http://{address}"),
            feed_queue_url: String::new(),
            _service: service,
        };
        moto.feed_queue_url = create_tables(&moto)?;
        Ok(moto)
    }

    /// Debian's Chromium for the browser suite (Playwright drives the system binary: its own
    /// browser download is not reachable here), installed with apt-get when missing.
    pub fn ensure_chromium(&self) -> Result<PathBuf, String> {
        let chromium = PathBuf::from("/usr/bin/chromium");
        if chromium.exists() {
            return Ok(chromium);
        }
        eprintln!("xtask: installing Debian's chromium for the console's browser tests");
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.starts_with(b"0\n"))
            .unwrap_or(false);
        let apt = |args: &[&str]| {
            let mut command = if root {
                Command::new("apt-get")
            } else {
                let mut sudo = Command::new("sudo");
                sudo.arg("apt-get");
                sudo
            };
            command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            command
        };
        run(&mut apt(&["update", "-qq"]), "apt-get update")?;
        run(
            &mut apt(&[
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
            ]),
            "apt-get install chromium (the console's browser tests need it)",
        )?;
        if chromium.exists() {
            Ok(chromium)
        } else {
            Err("apt-get installed chromium, but /usr/bin/chromium is missing".to_owned())
        }
    }

    /// The console's browser suite (Playwright in headless Chromium) against a running stack.
    pub fn browser_tests(&self, stack: &Stack, auth: bool) -> Result<(), String> {
        let mut command = Command::new("npx");
        command
            .current_dir(self.root.join("console"))
            .args(["--no-install", "playwright", "test"])
            .env("CHROMIUM_PATH", self.ensure_chromium()?)
            .env("EVENTCRM_CONSOLE_URL", stack.console_url())
            .env("EVENTCRM_AUTH", if auth { "local" } else { "open" });
        if auth {
            let all: Vec<&str> = http_api::auth::Scope::ALL
                .iter()
                .map(|s| s.name())
                .collect();
            command
                .env("EVENTCRM_TOKEN_SUBJECT", "console-user")
                .env(
                    "EVENTCRM_TOKEN",
                    self.local_token("console-user", &all, 3600)?,
                )
                .env(
                    "EVENTCRM_READ_TOKEN",
                    self.local_token("console-reader", &["crm/read"], 3600)?,
                )
                .env(
                    "EVENTCRM_EXPIRED_TOKEN",
                    self.local_token("console-user", &all, -60)?,
                );
        }
        run(
            &mut command,
            "the console's browser tests (console/tests, headless Chromium)",
        )
    }

    /// Installs the console's packages (lock file), checks its generated API types against
    /// docs/openapi.yaml, and builds it (type check, bundle, first-load budget).
    pub fn build_console(&self) -> Result<(), String> {
        let console = self.root.join("console");
        let npm = |args: &[&str], what: &str| {
            run(
                Command::new("npm")
                    .current_dir(&console)
                    .args(args)
                    // Playwright drives Debian's Chromium; its own browser download is not wanted.
                    .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
                what,
            )
        };
        npm(
            &["ci", "--no-audit", "--no-fund", "--loglevel", "error"],
            "npm ci (console/; Node.js and npm must be installed)",
        )?;
        npm(
            &["run", "--silent", "check-generated"],
            "the console's API types are generated from docs/openapi.yaml",
        )?;
        npm(&["run", "--silent", "build"], "the console's build")
    }

    /// Builds every function, then serves them with `cargo lambda watch` at their real routes,
    /// and the built console beside them on `port` (the API proxied at `/api`).
    pub fn start_stack(
        &self,
        moto: &Moto,
        port: u16,
        batch: bool,
        reload: bool,
        auth: bool,
    ) -> Result<Stack, String> {
        run(
            &mut self.cargo(&["build", "--workspace", "--bins"]),
            "cargo build --workspace --bins",
        )?;
        let console_port = port;
        let port = free_port()?;
        let log = self.root.join(format!(".local/lambda-watch-{port}.log"));
        let mut command = Command::new(self.venv_bin("cargo-lambda"));
        command
            .current_dir(&self.root)
            .args([
                "lambda",
                "watch",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
            ])
            .envs(moto.client_env())
            .env("EVENT_STORE_MODE", if batch { "batch" } else { "direct" })
            .env("EVENT_BUS_NAME", publisher::local::BUS)
            .env("RUST_LOG", "info")
            // Every function of the stack seals list cursors with one key, as on AWS.
            .env("CURSOR_SECRET", uuid::Uuid::new_v4().simple().to_string());
        if auth {
            command
                .env("AUTH_MODE", "local")
                .env("AUTH_LOCAL_SECRET", self.local_issuer_secret(true)?);
        } else {
            command.env("AUTH_MODE", "open");
        }
        if !reload {
            command.arg("--ignore-changes");
        }
        let mut service = Service::spawn("cargo lambda watch", &mut command, &log)?;
        let address = format!("127.0.0.1:{port}");
        // Ready when a function answers: a malformed id makes get-contact answer 400 itself
        // (401 first, where tokens are required).
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            if matches!(
                http_status(&address, "/api/contacts/not%20an%20id"),
                Some(400 | 401)
            ) {
                break;
            }
            if let Some(message) = service.exited() {
                return Err(format!("{message}; see {}", log.display()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the local stack did not answer on {address}; see {}",
                    log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let poller_log = self.root.join(format!(".local/stream-poller-{port}.log"));
        let poller = crate::poller::Poller::start(
            moto.endpoint(),
            &format!("http://{address}"),
            "stream-consumer",
            crate::poller::every_record,
            fs::File::create(&poller_log).map_err(|e| e.to_string())?,
        );
        let publisher_log = self
            .root
            .join(format!(".local/publisher-poller-{port}.log"));
        let publisher = crate::poller::Poller::start(
            moto.endpoint(),
            &format!("http://{address}"),
            "publisher",
            crate::poller::event_inserts,
            fs::File::create(&publisher_log).map_err(|e| e.to_string())?,
        );
        let schedule = crate::schedule::Schedule::start(
            &format!("http://{address}"),
            "record-sla-breaches",
            Duration::from_secs(5),
            fs::File::create(
                self.root
                    .join(format!(".local/record-sla-breaches-{port}.log")),
            )
            .map_err(|e| e.to_string())?,
        );
        let console_log = self.root.join(format!(".local/console-{console_port}.log"));
        let mut console = Service::spawn(
            "the console's server",
            Command::new("npx")
                .current_dir(self.root.join("console"))
                .args(["--no-install", "vite", "preview", "--strictPort", "--port"])
                .arg(console_port.to_string())
                .env("EVENTCRM_API_ORIGIN", format!("http://{address}"))
                .env("EVENTCRM_CONSOLE_AUTH", if auth { "token" } else { "open" }),
            &console_log,
        )?;
        let console_address = format!("127.0.0.1:{console_port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while http_status(&console_address, "/config.json") != Some(200) {
            if let Some(message) = console.exited() {
                return Err(format!("{message}; see {}", console_log.display()));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the console did not answer on {console_address}; see {}",
                    console_log.display()
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(Stack {
            base_url: format!("http://{address}/api"),
            console_url: format!("http://{console_address}/"),
            _console: console,
            _schedule: schedule,
            _poller: poller,
            _publisher: publisher,
            service,
            log,
        })
    }

    /// The local issuer's signing secret, shared by `dev --auth` and `token`: made once per
    /// checkout (git-ignored), from the OS's randomness.
    pub fn local_issuer_secret(&self, create: bool) -> Result<String, String> {
        let path = self.root.join(".local/auth-secret");
        if let Ok(secret) = fs::read_to_string(&path) {
            return Ok(secret.trim().to_owned());
        }
        if !create {
            return Err(format!(
                "no local issuer yet ({}): start the stack with `cargo xtask dev --auth` first",
                path.display()
            ));
        }
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        fs::create_dir_all(self.root.join(".local")).map_err(|e| e.to_string())?;
        fs::write(&path, &secret).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(secret)
    }

    /// A bearer token of the local issuer.
    pub fn local_token(
        &self,
        user: &str,
        scopes: &[&str],
        lifetime_seconds: i64,
    ) -> Result<String, String> {
        let secret = self.local_issuer_secret(false)?;
        let issuer = http_api::auth::LocalIssuer::new(secret.as_bytes())?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Ok(issuer.mint(user, scopes, now, lifetime_seconds))
    }

    /// Runs the SAM CLI (installed into .venv on first use) with cargo-lambda on its PATH, so
    /// `BuildMethod: rust-cargolambda` finds it.
    pub fn sam(&self, args: &[String]) -> Result<(), String> {
        let requirements = self.root.join("xtask/requirements-deploy.txt");
        if !self.venv_bin("sam").exists() {
            eprintln!("xtask: installing the SAM CLI into .venv");
            run(
                Command::new(self.venv_bin("pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                    .arg(&requirements),
                "pip install -r xtask/requirements-deploy.txt",
            )?;
        }
        let path = format!(
            "{}:{}",
            self.root.join(".venv/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        run(
            Command::new(self.venv_bin("sam"))
                .current_dir(&self.root)
                .env("PATH", path)
                .env("SAM_CLI_TELEMETRY", "0")
                // The template's `rust-cargolambda` build method is a SAM beta feature: opt in,
                // so `sam build` runs unattended instead of asking.
                .env("SAM_CLI_BETA_RUST_CARGO_LAMBDA", "1")
                .args(args),
            "sam",
        )
    }

    /// Cross-compiles every function for arm64 Lambda with cargo-lambda's zig (from the pip
    /// wheel, no network), zipped for upload.
    pub fn package(&self) -> Result<(), String> {
        let path = format!(
            "{}:{}",
            self.root.join(".venv/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        run(
            Command::new(self.venv_bin("cargo-lambda"))
                .current_dir(&self.root)
                .env("PATH", path)
                .args([
                    "lambda",
                    "build",
                    "--release",
                    "--arm64",
                    "--workspace",
                    "--exclude",
                    "xtask",
                    // The bench's baselines are not functions of the system.
                    "--exclude",
                    "hello",
                    "--output-format",
                    "zip",
                ]),
            "cargo lambda build --release --arm64",
        )?;
        let mut total = 0;
        let mut entries: Vec<_> = fs::read_dir(self.root.join("target/lambda"))
            .map_err(|e| e.to_string())?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let zip = entry.path().join("bootstrap.zip");
            if let Ok(meta) = fs::metadata(&zip) {
                total += meta.len();
                println!(
                    "{:>8} KiB  {}",
                    meta.len() / 1024,
                    zip.strip_prefix(&self.root).unwrap_or(&zip).display()
                );
            }
        }
        println!("{:>8} KiB  in all", total / 1024);
        Ok(())
    }

    /// Schemathesis against docs/openapi.yaml on a running stack: no server error, and every
    /// answer as documented (see xtask/schemathesis_hooks.py for the emulator's quirks).
    pub fn schemathesis(&self, origin: &str) -> Result<(), String> {
        run(
            Command::new(self.venv_bin("schemathesis"))
                .current_dir(self.root.join(".local"))
                .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
                .env("PYTHONPATH", self.root.join("xtask"))
                .args(["run", "../docs/openapi.yaml", "--url", origin])
                .args(["--checks", "not_a_server_error,response_schema_conformance"])
                // One worker: with two, schemathesis once crashed inside CPython's AST compiler
                // ("AST constructor recursion depth mismatch"), a tool failure, not a finding.
                .args(["--max-examples", "25", "--workers", "1"])
                // The stack it runs against is open: a fixed token, rather than generated ones.
                .args(["--header", "Authorization: Bearer open-stack"])
                .args([
                    "--generation-codec",
                    "ascii",
                    "--report-dir",
                    "schemathesis-report",
                ]),
            "schemathesis against docs/openapi.yaml",
        )
    }

    /// checkov in its own venv, installed on first use like the rest of the tooling.
    fn checkov(&self) -> Result<PathBuf, String> {
        let venv = self.root.join(".venv/checkov");
        let requirements = self.root.join("xtask/requirements-checkov.txt");
        let wanted = fs::read_to_string(&requirements).map_err(|e| e.to_string())?;
        let stamp = venv.join(".installed-requirements");
        let checkov = venv.join("bin/checkov");
        if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && checkov.exists() {
            return Ok(checkov);
        }
        eprintln!("xtask: installing checkov into .venv/checkov");
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv .venv/checkov",
        )?;
        run(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(&requirements),
            "pip install -r xtask/requirements-checkov.txt",
        )?;
        fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
        Ok(checkov)
    }

    pub fn lint_template(&self) -> Result<(), String> {
        run(
            Command::new(self.venv_bin("openapi-spec-validator"))
                .current_dir(&self.root)
                .arg("docs/openapi.yaml"),
            "openapi-spec-validator docs/openapi.yaml",
        )?;
        // Client generators take it whole: openapi-python-client makes every operation.
        xtask::generators::python_client_has_every_operation(
            &self.root,
            &self.root.join(".venv/bin"),
        )?;
        // The feed's contract, by the AsyncAPI Initiative's own parser (Node.js is part of the
        // machine; the parser is pinned in xtask/asyncapi's lock file).
        let checker = self.root.join("xtask/asyncapi");
        run(
            Command::new("npm").current_dir(&checker).args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel",
                "error",
            ]),
            "npm ci (xtask/asyncapi: the AsyncAPI parser; Node.js and npm must be installed)",
        )?;
        run(
            Command::new("node")
                .current_dir(&checker)
                .args(["validate.mjs", "../../docs/asyncapi.yaml"]),
            "AsyncAPI check of docs/asyncapi.yaml",
        )?;
        run(
            Command::new(self.venv_bin("cfn-lint"))
                .current_dir(&self.root)
                .arg("template.yaml"),
            "cfn-lint template.yaml",
        )?;
        // Every finding fixed or skipped in place, with its reason, in template.yaml.
        run(
            Command::new(self.checkov()?)
                .current_dir(&self.root)
                .args(["--file", "template.yaml", "--framework", "cloudformation"])
                .args(["--compact", "--quiet", "--skip-download"])
                .env("BC_SKIP_MAPPING", "TRUE"),
            "checkov template.yaml",
        )
    }
}

/// The tables, and the public feed's bus, archive, rule and queue; answers the queue's URL.
pub fn create_tables(moto: &Moto) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let config = moto.sdk_config().await;
        let client = aws_sdk_dynamodb::Client::new(&config);
        dynamodb_adapters::event_store::create_event_store_table(
            &client,
            dynamodb_adapters::DEFAULT_EVENT_TABLE,
        )
        .await
        .map_err(|e| format!("cannot create the EventStore table: {e}"))?;
        dynamodb_adapters::create_projection_store_table(
            &client,
            dynamodb_adapters::DEFAULT_PROJECTION_TABLE,
        )
        .await
        .map_err(|e| format!("cannot create the ProjectionStore table: {e}"))?;
        dynamodb_adapters::create_key_store_table(&client, dynamodb_adapters::DEFAULT_KEY_TABLE)
            .await
            .map_err(|e| format!("cannot create the KeyStore table: {e}"))?;
        publisher::local::create_feed(&config, publisher::local::BUS)
            .await
            .map_err(|e| format!("cannot create the feed's bus and queue: {e}"))
    })
}
