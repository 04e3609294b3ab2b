//! Least privilege, derived from the code: every function runs a day of CRM work in process,
//! each event-store call is recorded as the DynamoDB action and partition it becomes, and the
//! template's policy for that function must allow it. A slice that starts reading another
//! aggregate's streams fails here until its registry entry says so (`Slice::reads`), and so
//! until `cargo xtask generate` grants it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use crypto_shredding::{DataKey, InMemoryKeyStore, KeyState, KeyStore};
use event_sourcing::store::{InMemoryEventStore, StoreError};
use event_sourcing::testing::{Hooked, StoreCall, StoreHooks};
use event_sourcing::WriteMode;
use http_api::registry::Registry;
use lambda_host::testing::TestApi;
use serde_json::{json, Value};

type Calls = BTreeSet<(String, &'static str, String)>;

/// Whom the scenario's projecting is noted for: nobody.
const CONSUMER: &str = "stream-consumer";

/// Notes, for the function being called, each DynamoDB action and partition key a store call
/// turns into (the store's calls through `Hooked`, its key table's through `RecordingKeys`).
#[derive(Default)]
struct Recording {
    function: Mutex<String>,
    calls: Mutex<Calls>,
}

impl Recording {
    fn note(&self, action: &'static str, partition: String) {
        let function = self.function.lock().unwrap().clone();
        // The stream consumer's own reads (opening events for the read models) are not a
        // function's of the API.
        if function == CONSUMER {
            return;
        }
        self.calls
            .lock()
            .unwrap()
            .insert((function, action, partition));
    }
}

fn record_partition(key: &str) -> String {
    format!("{}{key}", dynamodb_adapters::item::IDEMPOTENCY_PREFIX)
}

#[async_trait]
impl StoreHooks for Recording {
    async fn before(&self, call: StoreCall<'_>) {
        match call {
            StoreCall::Load(stream)
            | StoreCall::LoadTail(stream)
            | StoreCall::LoadStored(stream) => self.note("dynamodb:Query", stream.partition_key()),
            StoreCall::Append(events) => {
                for event in events {
                    self.note("dynamodb:PutItem", event.stream().partition_key());
                }
            }
            StoreCall::Recorded(key) => self.note("dynamodb:GetItem", record_partition(key)),
            StoreCall::AppendRecorded(events, record) => {
                for event in events {
                    self.note("dynamodb:PutItem", event.stream().partition_key());
                }
                self.note("dynamodb:PutItem", record_partition(&record.key));
            }
            StoreCall::SaveSnapshot(stream) => {
                self.note("dynamodb:PutItem", stream.partition_key())
            }
            StoreCall::Reseal(event) => {
                self.note("dynamodb:PutItem", event.stream().partition_key())
            }
        }
    }
}

/// A key store that notes its calls as `Recording` does, against the same function.
struct RecordingKeys {
    inner: InMemoryKeyStore,
    events: Arc<Recording>,
}

#[async_trait]
impl KeyStore for RecordingKeys {
    async fn sealing_key(&self, subject: &str) -> Result<DataKey, StoreError> {
        self.events.note("dynamodb:GetItem", key_table(subject));
        let known = self.inner.keys(&[subject.to_owned()]).await?;
        if known.is_empty() {
            self.events.note("dynamodb:PutItem", key_table(subject));
        }
        self.inner.sealing_key(subject).await
    }

    async fn keys(&self, subjects: &[String]) -> Result<HashMap<String, KeyState>, StoreError> {
        for subject in subjects {
            self.events
                .note("dynamodb:BatchGetItem", key_table(subject));
        }
        self.inner.keys(subjects).await
    }

    async fn destroy(&self, subject: &str) -> Result<(), StoreError> {
        self.events.note("dynamodb:PutItem", key_table(subject));
        self.inner.destroy(subject).await
    }
}

/// Key-table calls are noted with this prefix, so they are told apart from event-store ones.
const KEY_TABLE: &str = "KeyStore:";

fn key_table(subject: &str) -> String {
    format!("{KEY_TABLE}{subject}")
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `pattern` as IAM's StringLike reads it (`*` any run of characters).
fn like(pattern: &str, value: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == value,
        Some((head, rest)) => {
            value.starts_with(head)
                && (0..=value.len() - head.len())
                    .any(|skip| like(rest, &value[head.len() + skip..]))
        }
    }
}

#[tokio::test]
async fn every_event_store_call_is_allowed_by_the_functions_policy_and_no_more_is_granted() {
    let registry = Registry::merge(stream_consumer::registries());
    let routes = registry.routes();
    let store = Arc::new(Recording::default());
    let stored = Arc::new(InMemoryEventStore::new());
    let api = TestApi::on_dyn(
        stream_consumer::registries(),
        Arc::new(Hooked {
            inner: stored.clone(),
            hooks: store.clone(),
        }),
        WriteMode::Direct,
    )
    .with_key_store(Arc::new(RecordingKeys {
        inner: InMemoryKeyStore::new(),
        events: store.clone(),
    }));
    let mut served = BTreeSet::new();
    let mut call = |method: &'static str, path: String, body: Option<Value>| {
        let function = routes
            .iter()
            .filter(|r| r.matches(method, path.split('?').next().unwrap()).is_some())
            .max_by_key(|r| r.specificity())
            .map(|r| r.function)
            .unwrap();
        *store.function.lock().unwrap() = function.to_owned();
        served.insert(function);
        let key = uuid::Uuid::new_v4().to_string();
        let api = &api;
        async move {
            let headers: Vec<(&str, &str)> = match method {
                "GET" => vec![],
                _ => vec![("idempotency-key", key.as_str())],
            };
            let response = api.call_with(method, &path, body, &headers).await;
            assert!(
                response.status().is_success(),
                "{method} {path}: {}",
                response.status()
            );
        }
    };
    call(
        "POST",
        "/api/clients".into(),
        Some(json!({ "clientId": "k1", "name": "Acme" })),
    )
    .await;
    call(
        "POST",
        "/api/contacts".into(),
        Some(json!({ "contactId": "c1", "name": "Ada", "email": "ada@example.com" })),
    )
    .await;
    call(
        "POST",
        "/api/clients/k1/contacts".into(),
        Some(json!({ "contactId": "c1" })),
    )
    .await;
    call(
        "PUT",
        "/api/contacts/c1".into(),
        Some(json!({ "name": "Ada L", "email": "ada@example.com" })),
    )
    .await;
    call(
        "PATCH",
        "/api/contacts/c1".into(),
        Some(json!({ "phone": "+44 20 7946 0000" })),
    )
    .await;
    call(
        "PUT",
        "/api/clients/k1".into(),
        Some(json!({ "name": "Acme Ltd" })),
    )
    .await;
    call(
        "PATCH",
        "/api/clients/k1".into(),
        Some(json!({ "industry": "Retail" })),
    )
    .await;
    call(
        "POST",
        "/api/cases".into(),
        Some(json!({ "caseId": "s1", "clientId": "k1", "description": "Broken" })),
    )
    .await;
    // Left unanswered, for the schedule's job to record its breaches.
    call(
        "POST",
        "/api/cases".into(),
        Some(json!({ "caseId": "s2", "clientId": "k1", "description": "Waiting" })),
    )
    .await;
    call(
        "POST",
        "/api/cases/s1/interactions".into(),
        Some(json!({ "description": "Called", "contactId": "c1" })),
    )
    .await;
    call(
        "PUT",
        "/api/sla-policy".into(),
        Some(json!({ "targets": {
            "urgent": { "firstResponseMinutes": 30, "resolutionMinutes": 240 },
            "high": { "firstResponseMinutes": 60, "resolutionMinutes": 480 },
            "normal": { "firstResponseMinutes": 240, "resolutionMinutes": 1440 },
            "low": { "firstResponseMinutes": 480, "resolutionMinutes": 2880 } },
            "businessHours": { "timezone": "Europe/Berlin", "days": { "mon": ["09:00", "17:00"] } } })),
    )
    .await;
    call(
        "PATCH",
        "/api/cases/s1".into(),
        Some(json!({ "priority": "urgent", "assigneeId": "agent-1" })),
    )
    .await;
    call(
        "POST",
        "/api/cases/s1/status".into(),
        Some(json!({ "status": "pending" })),
    )
    .await;
    call("POST", "/api/cases/s1/close".into(), Some(json!({}))).await;
    call(
        "POST",
        "/api/pipelines".into(),
        Some(json!({ "pipelineId": "p1", "name": "Sales", "stages": [
            { "stageId": "qualify", "label": "Qualify", "probability": 20 },
            { "stageId": "propose", "label": "Propose", "probability": 60 },
            { "stageId": "won", "label": "Won", "probability": 100, "outcome": "won" },
            { "stageId": "lost", "label": "Lost", "probability": 0, "outcome": "lost" },
        ] })),
    )
    .await;
    call(
        "POST",
        "/api/pipelines/p1/stages".into(),
        Some(json!({ "stageId": "demo", "label": "Demo", "probability": 40 })),
    )
    .await;
    call(
        "PATCH",
        "/api/pipelines/p1/stages/demo".into(),
        Some(json!({ "probability": 50 })),
    )
    .await;
    call("POST", "/api/pipelines/p1/stages/demo/archive".into(), None).await;
    call(
        "POST",
        "/api/opportunities".into(),
        Some(
            json!({ "opportunityId": "o1", "name": "Renewal", "clientId": "k1", "pipelineId": "p1",
            "amount": "100.00", "currency": "EUR", "closeDate": "2027-03-31", "ownerId": "u1",
            "contacts": [{ "contactId": "c1", "role": "Sponsor" }] }),
        ),
    )
    .await;
    call(
        "PATCH",
        "/api/opportunities/o1".into(),
        Some(json!({ "amount": "120.00", "currency": "EUR" })),
    )
    .await;
    call(
        "POST",
        "/api/opportunities/o1/lost".into(),
        Some(json!({ "reason": "Timing" })),
    )
    .await;
    call("POST", "/api/opportunities/o1/reopen".into(), None).await;
    call("DELETE", "/api/opportunities/o1/contacts/c1".into(), None).await;
    call(
        "POST",
        "/api/opportunities/o1/contacts".into(),
        Some(json!({ "contactId": "c1", "role": "Sponsor" })),
    )
    .await;
    call(
        "POST",
        "/api/opportunities/o1/stage".into(),
        Some(json!({ "stageId": "propose" })),
    )
    .await;
    call(
        "POST",
        "/api/tasks".into(),
        Some(
            json!({ "taskId": "t1", "title": "Call Ada", "dueAt": "2001-03-01T09:00:00Z",
            "assigneeId": "u1", "targets": [{ "type": "contact", "id": "c1" },
            { "type": "client", "id": "k1" }, { "type": "case", "id": "s1" },
            { "type": "opportunity", "id": "o1" }] }),
        ),
    )
    .await;
    call(
        "PATCH",
        "/api/tasks/t1".into(),
        Some(json!({ "dueAt": "2001-03-02T09:00:00Z", "notes": "Renewal" })),
    )
    .await;
    call("POST", "/api/tasks/t1/complete".into(), None).await;
    call("POST", "/api/tasks/t1/reopen".into(), None).await;
    call(
        "POST",
        "/api/tasks/t1/cancel".into(),
        Some(json!({ "reason": "Moved" })),
    )
    .await;
    call("POST", "/api/tasks/t1/reopen".into(), None).await;
    // The read models, as the stream consumer builds them, so that lists have items to read.
    *store.function.lock().unwrap() = CONSUMER.to_owned();
    let report = stream_consumer::consumer(api.views.clone(), api.app.store.clone())
        .process(stream_consumer::records_of(
            "scenario-",
            &stored.all_events(),
        ))
        .await;
    assert!(report.failed.is_empty(), "{report:?}");
    // The schedule's job, long after every clock's due time: it records breaches.
    *store.function.lock().unwrap() = case::record_sla_breaches::FUNCTION.to_owned();
    let later = time::macros::datetime!(2099-01-01 00:00 UTC);
    let trace = event_sourcing::TraceContext::from_hints(&Default::default(), later);
    let job = case::record_sla_breaches::run(
        api.app.invocation(trace, later),
        lambda_host::TimeBudget::from_env(),
    )
    .await
    .unwrap();
    assert!(job["breachesRecorded"].as_u64() > Some(0), "{job}");
    for path in [
        "/api/contacts/c1",
        "/api/clients/k1",
        "/api/cases/s1",
        "/api/contacts",
        "/api/clients",
        "/api/cases/open",
        "/api/contacts?email=ada@example.com",
        "/api/contacts/c1/history",
        "/api/clients/k1/history",
        "/api/cases/s1/history",
        "/api/contacts/c1/export",
        "/api/pipelines/p1",
        "/api/pipelines",
        "/api/pipelines/p1/history",
        "/api/opportunities/o1",
        "/api/opportunities?clientId=k1",
        "/api/opportunities/o1/history",
        "/api/pipelines/p1/summary?asOf=2099-01-01T00:00:00Z",
        "/api/pipelines/p1/forecast?from=2027-01-01&to=2027-12-31&ownerId=u1",
        "/api/pipelines/p1/velocity",
        "/api/sla-policy",
        "/api/sla-policy/history",
        "/api/cases/due",
        "/api/cases/open?assigneeId=agent-1",
        "/api/reports/sla?from=2026-01-01&to=2026-12-31",
        "/api/tasks/t1",
        "/api/tasks/t1/history",
        "/api/tasks?assigneeId=u1",
        "/api/tasks/overdue",
        "/api/contacts/c1/tasks",
    ] {
        call("GET", path.into(), None).await;
    }
    call("DELETE", "/api/clients/k1/contacts/c1".into(), None).await;
    call(
        "POST",
        "/api/clients/k1/contacts".into(),
        Some(json!({ "contactId": "c1" })),
    )
    .await;
    call("DELETE", "/api/contacts/c1?cascade=true".into(), None).await;
    call("POST", "/api/contacts/c1/erase".into(), None).await;

    let every_function: BTreeSet<&str> = routes.iter().map(|r| r.function).collect();
    assert_eq!(served, every_function, "the scenario calls every function");

    let template = xtask::template::load(&root()).unwrap();
    let policies: BTreeMap<String, xtask::template::Function> =
        xtask::template::functions(&template)
            .into_iter()
            .map(|f| (f.binary.clone(), f))
            .collect();
    let calls = store.calls.lock().unwrap().clone();
    for (function, action, partition) in &calls {
        let policy = &policies[function];
        let allowed = policy.statements.iter().any(|(actions, resource, keys)| {
            let on_keys = partition.starts_with(KEY_TABLE);
            let table = if on_keys { "KeyStore" } else { "EventStore" };
            resource.contains(table)
                && actions.iter().any(|a| a == action)
                && (on_keys || keys.iter().any(|k| like(k, partition)))
        });
        assert!(
            allowed,
            "{function} calls {action} on {partition}, which its policy does not allow: {:?}",
            policy.statements
        );
    }
    // And nothing granted on the event store goes unused: each action and partition pattern
    // of each function is exercised by the scenario.
    for (function, policy) in &policies {
        for (actions, resource, keys) in &policy.statements {
            // The stream consumer's grants are written by hand, not run by this scenario.
            if resource.contains("KeyStore") && registry.slice(function).is_some() {
                for action in actions {
                    // A sealing slice reads a person's key unless its request already did
                    // (opening what it loaded), and makes one only on first use for them.
                    let made_on_first_use = ["dynamodb:GetItem", "dynamodb:PutItem"]
                        .contains(&action.as_str())
                        && registry.slice(function).and_then(|s| s.key_writes)
                            == Some(http_api::registry::KeyWrites::Seal);
                    assert!(
                        made_on_first_use
                            || calls.iter().any(|(f, a, p)| f == function
                                && a == action
                                && p.starts_with(KEY_TABLE)),
                        "{function} is granted {action} on the key table but never calls it"
                    );
                }
                continue;
            }
            if !resource.contains("EventStore") {
                continue;
            }
            for action in actions {
                for key in keys {
                    assert!(
                        calls
                            .iter()
                            .any(|(f, a, p)| f == function && a == action && like(key, p)),
                        "{function} is granted {action} on {key} but never calls it"
                    );
                }
            }
        }
    }
}

#[test]
fn like_reads_patterns_as_iam_does() {
    assert!(like("contact#*", "contact#c1"));
    assert!(!like("contact#*", "client#k1"));
    assert!(like("g*#contacts#*", "g12#contacts#3"));
    assert!(!like("idempotency#*", "contact#idempotency#x"));
}
