//! One list of routes, three places that must agree with it: the slices' own `routes()`, the
//! local router in Cargo.toml (`cargo lambda watch`), and `template.yaml` (API Gateway).

use std::collections::BTreeSet;

type Routes = BTreeSet<(String, String, String)>;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn declared() -> Routes {
    [contact::routes(), client::routes(), case::routes()]
        .concat()
        .into_iter()
        .map(|r| {
            (
                r.method.to_owned(),
                r.path.to_owned(),
                r.function.to_owned(),
            )
        })
        .collect()
}

fn local_router() -> Routes {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let router = manifest["workspace"]["metadata"]["lambda"]["watch"]["router"]
        .as_table()
        .unwrap();
    let mut routes = Routes::new();
    for (path, entries) in router {
        for entry in entries.as_array().unwrap() {
            routes.insert((
                entry["method"].as_str().unwrap().to_owned(),
                path.clone(),
                entry["function"].as_str().unwrap().to_owned(),
            ));
        }
    }
    routes
}

/// Reads each `AWS::Serverless::Function` block: its `Binary` and its `HttpApi` events.
fn template() -> Routes {
    let text = std::fs::read_to_string(root().join("template.yaml")).unwrap();
    let mut routes = Routes::new();
    let mut binary: Option<String> = None;
    let mut events: Vec<(String, String)> = Vec::new();
    let mut flush = |binary: &mut Option<String>, events: &mut Vec<(String, String)>| {
        if let Some(function) = binary.take() {
            for (method, path) in events.drain(..) {
                routes.insert((method, path, function.clone()));
            }
        }
        events.clear();
    };
    for line in text.lines() {
        let is_resource =
            line.starts_with("  ") && !line.starts_with("   ") && line.trim_end().ends_with(':');
        if is_resource {
            flush(&mut binary, &mut events);
        }
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("Binary: ") {
            binary = Some(name.to_owned());
        }
        if let (Some(m), Some(p)) = (trimmed.find("Method: "), trimmed.find("Path: ")) {
            let method = trimmed[m + 8..]
                .split(',')
                .next()
                .unwrap()
                .trim()
                .to_owned();
            let path = trimmed[p + 6..]
                .trim_end_matches([' ', '}'])
                .trim_matches('"')
                .to_owned();
            events.push((method, path));
        }
    }
    flush(&mut binary, &mut events);
    routes
}

#[test]
fn the_local_router_serves_every_declared_route() {
    assert_eq!(local_router(), declared());
}

#[test]
fn the_template_deploys_every_declared_route() {
    assert_eq!(template(), declared());
}

#[test]
fn no_route_shadows_another() {
    // Literal segments win over parameters (as in API Gateway and cargo lambda's router)...
    let routes = [contact::routes(), client::routes(), case::routes()].concat();
    let best = |method: &str, path: &str| {
        routes
            .iter()
            .filter(|r| r.matches(method, path).is_some())
            .max_by_key(|r| r.specificity())
            .map(|r| r.function)
    };
    assert_eq!(best("GET", "/api/cases/open"), Some("open-cases"));
    assert_eq!(best("GET", "/api/cases/c-1"), Some("get-case"));
    assert_eq!(best("GET", "/api/contacts"), Some("list-contacts"));
    // ...and no case may be called `open`, so that path can never mean a case.
    let request = shared::testing::request(
        "POST",
        "/api/cases",
        Some(r#"{"caseId":"open","clientId":"k1","description":"x"}"#),
        &[],
    );
    let refused = case::create_case::parse(&request, time::OffsetDateTime::now_utc());
    assert!(refused.is_err(), "a case could be called 'open'");
}
