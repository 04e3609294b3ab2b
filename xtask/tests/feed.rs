//! The public change feed end to end: records created, edited, linked, closed and erased
//! through the API reach the feed's queue through the publisher and the bus's rule, every
//! expected event in per-record order once sorted by `sequence`, none with a person's data.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{call, expect, unique};
use serde_json::{json, Value};

/// docs/asyncapi.yaml as JSON.
fn asyncapi() -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/asyncapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(root).unwrap()).unwrap()
}

/// Each published event against the schema of its type's message in docs/asyncapi.yaml.
fn assert_documented(event: &Value, doc: &Value) {
    let kind = event["type"].as_str().unwrap_or_default();
    let (_, message) = doc["components"]["messages"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, m)| m["name"] == kind)
        .unwrap_or_else(|| panic!("{kind} is published but not in docs/asyncapi.yaml"));
    let root = json!({ "allOf": [message["payload"]], "components": doc["components"] });
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .expect("the message's schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(event)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{kind} does not match docs/asyncapi.yaml: {errors:?}\n{event}"
    );
}

/// The public types the feed mappings can publish, read from their source: the document
/// must name exactly these (a new public event without its schema fails here).
#[test]
fn the_asyncapi_document_names_every_public_event_type_and_no_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut mapped = std::collections::BTreeSet::new();
    for (aggregate, crate_dir) in [
        ("contact", "contact"),
        ("client", "client"),
        ("case", "case"),
        ("pipeline", "pipeline"),
        ("opportunity", "opportunity"),
        ("task", "task"),
        ("sla-policy", "sla-policy"),
    ] {
        let source =
            std::fs::read_to_string(root.join(format!("functions/{crate_dir}/src/feed.rs")))
                .unwrap();
        for marker in ["Publication::public(", "moved("] {
            for part in source.split(marker).skip(1) {
                let name = part.trim_start().trim_start_matches('"');
                if let Some(end) = name.find('"') {
                    if part.trim_start().starts_with('"') {
                        mapped.insert(format!("eventcrm.{aggregate}.{}.v1", &name[..end]));
                    }
                }
            }
        }
    }
    let doc = asyncapi();
    let documented: std::collections::BTreeSet<String> = doc["components"]["messages"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(mapped, documented);
}

/// The public events of `subjects` on the feed's queue, until each has `expected` of them
/// (sorted by `sequence`), or a minute passes. Other tests' events are left aside.
fn feed_of(expected: &BTreeMap<String, Vec<&str>>) -> (BTreeMap<String, Vec<Value>>, String) {
    let queue = std::env::var("EVENTCRM_FEED_QUEUE_URL")
        .expect("EVENTCRM_FEED_QUEUE_URL is not set: run this through `cargo xtask test`");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut everything = String::new();
    let mut read = std::collections::BTreeSet::new();
    let start = Instant::now();
    loop {
        let received = runtime.block_on(async {
            let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            // Read, not taken: `cargo xtask test` scans all the suite published at its end.
            publisher::local::peek(&config, &queue).await.unwrap()
        });
        for message in received {
            let event = message["detail"].clone();
            if !read.insert(event["id"].as_str().unwrap_or_default().to_owned()) {
                continue;
            }
            everything.push_str(&message.to_string());
            let subject = event["subject"].as_str().unwrap_or_default().to_owned();
            if expected.contains_key(&subject) {
                let id = event["id"].as_str().unwrap_or_default().to_owned();
                seen.entry(subject).or_default().insert(id, event);
            }
        }
        let complete = expected
            .iter()
            .all(|(subject, types)| seen.get(subject).map_or(0, BTreeMap::len) >= types.len());
        if complete || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let ordered = seen
        .into_iter()
        .map(|(subject, events)| {
            let mut events: Vec<Value> = events.into_values().collect();
            events.sort_by(|a, b| a["sequence"].as_str().cmp(&b["sequence"].as_str()));
            (subject, events)
        })
        .collect();
    (ordered, everything)
}

#[test]
fn what_the_api_does_reaches_the_feed_in_order_and_without_personal_data() {
    let client = unique("k");
    let contact = unique("c");
    let case = unique("s");
    let name = format!("Ada {}", unique("n"));
    let email = format!("{}@example.com", unique("ada"));
    expect(
        call(
            "POST",
            "/clients",
            Some(json!({ "clientId": client, "name": "Acme Feed Ltd", "industry": "Retail" })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            "/contacts",
            Some(json!({ "contactId": contact, "name": name, "email": email })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "PATCH",
            &format!("/contacts/{contact}"),
            Some(json!({ "phone": "+44 20 7946 0999" })),
            &[],
        ),
        200,
    );
    expect(
        call(
            "POST",
            &format!("/clients/{client}/contacts"),
            Some(json!({ "contactId": contact })),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            "/cases",
            Some(
                json!({ "caseId": case, "clientId": client, "description": format!("{name}'s printer is on fire"), "priority": "high" }),
            ),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            &format!("/cases/{case}/interactions"),
            Some(
                json!({ "description": format!("Called {name}"), "type": "call", "contactId": contact }),
            ),
            &[],
        ),
        201,
    );
    expect(
        call(
            "POST",
            &format!("/cases/{case}/close"),
            Some(json!({ "resolution": format!("Told {name} to buy a new one") })),
            &[],
        ),
        200,
    );
    expect(
        call("POST", &format!("/contacts/{contact}/erase"), None, &[]),
        200,
    );

    let expected: BTreeMap<String, Vec<&str>> = [
        (
            format!("client/{client}"),
            vec![
                "eventcrm.client.created.v1",
                "eventcrm.client.contact-linked.v1",
            ],
        ),
        (
            format!("contact/{contact}"),
            vec![
                "eventcrm.contact.created.v1",
                "eventcrm.contact.edited.v1",
                "eventcrm.contact.erased.v1",
            ],
        ),
        (
            format!("case/{case}"),
            vec![
                "eventcrm.case.created.v1",
                "eventcrm.case.interaction-added.v1",
                "eventcrm.case.closed.v1",
            ],
        ),
    ]
    .into_iter()
    .collect();
    let (feed, everything) = feed_of(&expected);
    for (subject, types) in &expected {
        let got: Vec<&str> = feed
            .get(subject)
            .map(|events| events.iter().filter_map(|e| e["type"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(&got, types, "{subject}: {everything}");
    }
    let doc = asyncapi();
    for event in feed.values().flatten() {
        assert_documented(event, &doc);
    }
    for personal in [
        name.as_str(),
        email.as_str(),
        "Acme Feed",
        "printer",
        "+44 20 7946 0999",
    ] {
        assert!(
            !everything.contains(personal),
            "{personal} was published: {everything}"
        );
    }
    // Each event says which record and which of its versions it is, and where it came from.
    let created = &feed[&format!("case/{case}")][0];
    assert_eq!(created["specversion"], "1.0");
    assert_eq!(created["source"], "eventcrm");
    assert_eq!(created["sequence"], "00000000000000000001");
    assert_eq!(created["data"]["clientId"], client);
    assert_eq!(created["data"]["priority"], "high");
    assert!(created["traceparent"]
        .as_str()
        .is_some_and(|t| t.starts_with("00-")));
    let erased = feed[&format!("contact/{contact}")].last().unwrap();
    assert_eq!(erased["data"], json!({ "contactId": contact }));
}
