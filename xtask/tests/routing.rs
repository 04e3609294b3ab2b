//! The registries are the one list of slices. What is generated from them (`[[bin]]` entries,
//! the local router in Cargo.toml, the function blocks of template.yaml) must be current, and
//! what is written by hand (the README's route table) must name the same routes.

use std::collections::BTreeSet;

type Routes = BTreeSet<(String, String, String)>;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn declared() -> Routes {
    routes_with(|route| route.function.to_owned())
}

/// (method, path, what `third` says of it) for every route of the registries.
fn routes_with(third: impl Fn(&http_api::registry::Route) -> String) -> Routes {
    http_api::registry::Registry::merge(stream_consumer::registries())
        .routes()
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned(), third(r)))
        .collect()
}

/// (method, path, operation) of every operation of docs/openapi.yaml.
fn openapi_operations() -> Vec<(String, String, serde_json::Value)> {
    let doc: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("docs/openapi.yaml")).unwrap())
            .unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "patch", "delete"] {
            if let Some(operation) = item.get(method) {
                operations.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    operations
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

/// Each `AWS::Serverless::Function`'s `Binary` and its `HttpApi` events.
fn template() -> Routes {
    let template = xtask::template::load(&root()).unwrap();
    xtask::template::functions(&template)
        .into_iter()
        .flat_map(|function| {
            function
                .routes
                .into_iter()
                .map(move |(method, path, _)| (method, path, function.binary.clone()))
        })
        .collect()
}

#[test]
fn the_generated_files_are_current() {
    for file in xtask::generate::all(&root(), &stream_consumer::registries()).unwrap() {
        let current = std::fs::read_to_string(&file.path).unwrap();
        assert!(
            file.apply(&current).unwrap() == current,
            "{} is stale: run `cargo xtask generate`",
            file.path.display()
        );
    }
}

#[test]
fn every_slice_lives_in_the_folder_named_for_its_function() {
    for registry in stream_consumer::registries() {
        for slice in &registry.slices {
            let folder = root()
                .join("functions")
                .join(registry.aggregate)
                .join("src")
                .join(xtask::generate::module(slice));
            assert!(
                folder.join("main.rs").is_file(),
                "{} has no {}",
                slice.function,
                folder.join("main.rs").display()
            );
        }
    }
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
    let routes = http_api::registry::Registry::merge(stream_consumer::registries()).routes();
    let best = |method: &str, path: &str| {
        routes
            .iter()
            .filter(|r| r.matches(method, path).is_some())
            .max_by_key(|r| r.specificity())
            .map(|r| r.function)
    };
    assert_eq!(best("GET", "/api/cases/open"), Some("list-open-cases"));
    assert_eq!(best("GET", "/api/cases/c-1"), Some("get-case"));
    assert_eq!(best("GET", "/api/contacts"), Some("list-contacts"));
    // ...and no case may be called `open`, so that path can never mean a case.
    let request = http_api::testing::request(
        "POST",
        "/api/cases",
        Some(r#"{"caseId":"open","clientId":"k1","description":"x"}"#),
        &[],
    );
    let refused = case::create_case::parse(&request, time::OffsetDateTime::now_utc());
    assert!(refused.is_err(), "a case could be called 'open'");
}

#[test]
fn the_openapi_document_names_exactly_the_declared_routes() {
    let documented: BTreeSet<(String, String)> = openapi_operations()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let declared: BTreeSet<(String, String)> = declared()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    assert_eq!(documented, declared);
}

/// One scope per route, the same in the code, the template and the OpenAPI document.
#[test]
fn every_route_needs_its_slices_scope_everywhere() {
    let code = routes_with(|route| route.scope.name().to_owned());
    let template = xtask::template::load(&root()).unwrap();
    let deployed: BTreeSet<(String, String, String)> = xtask::template::functions(&template)
        .into_iter()
        .flat_map(|f| f.routes)
        .map(|(method, path, scopes)| {
            assert_eq!(scopes.len(), 1, "{method} {path}: {scopes:?}");
            (method, path, scopes[0].clone())
        })
        .collect();
    assert_eq!(deployed, code, "template.yaml");
    let documented: Routes = openapi_operations()
        .into_iter()
        .map(|(method, path, operation)| {
            let scope = operation["security"][0]["bearer"][0]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} names no scope"));
            (method, path, scope.to_owned())
        })
        .collect();
    assert_eq!(documented, code, "docs/openapi.yaml");
}
