//! The layers, read from `cargo metadata`: the event-sourcing core, the contracts and every
//! crate holding a `decide` or an `evolve` (built without its optional `lambda` adapters)
//! depend on no database, HTTP, Lambda, cloud or cipher crate; each layer's crate depends only
//! on the layers under it; and aggregate domains meet through `contracts` alone, their Lambda
//! functions composing another aggregate's policies only where listed (a ratchet that may only
//! shrink). `cargo xtask test` also builds each aggregate crate without its adapters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Crates that are a database SDK, an HTTP stack, the Lambda runtime or a cipher.
fn forbidden(name: &str) -> bool {
    [
        "aws-",
        "aws_",
        "lambda",
        "hyper",
        "http-body",
        "chacha20",
        "aes",
        "rustls",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
        || matches!(name, "http" | "aead" | "h2" | "tower")
}

/// The layers under `shared/`, bottom up, with the workspace crates each may depend on.
const LAYERS: [(&str, &[&str]); 5] = [
    ("event-sourcing", &[]),
    ("crypto-shredding", &["event-sourcing"]),
    ("dynamodb-adapters", &["event-sourcing", "crypto-shredding"]),
    ("http-api", &["event-sourcing", "crypto-shredding"]),
    (
        "lambda-host",
        &[
            "event-sourcing",
            "crypto-shredding",
            "dynamodb-adapters",
            "http-api",
        ],
    ),
];

/// What the core may depend on, and nothing else.
const CORE_DEPENDENCIES: [&str; 7] = [
    "serde",
    "serde_json",
    "time",
    "uuid",
    "thiserror",
    "async-trait",
    "tracing",
];

/// Aggregate crates whose Lambda functions (the `lambda` feature) compose another aggregate's
/// policies: a policy runs in the command's transaction, so in the command's Lambda. The
/// domains never depend on each other; this list grows only by a policy composed (a task
/// records itself on the four records it may target), never by anything else.
const LAMBDAS_COMPOSING_POLICIES: [(&str, &str); 7] = [
    ("case", "contact"),
    ("client", "contact"),
    ("opportunity", "contact"),
    ("task", "case"),
    ("task", "client"),
    ("task", "contact"),
    ("task", "opportunity"),
];

struct Graph {
    /// Package name → its normal (not dev, not build) dependencies' names, as resolved.
    normal: BTreeMap<String, BTreeSet<String>>,
    /// Workspace package name → its declared normal dependencies that are not optional, and
    /// whether it asks for their default features or names features of theirs.
    required: BTreeMap<String, Vec<(String, bool)>>,
    /// Workspace package name → whether its default features enable optional dependencies.
    default_enables_optional: BTreeMap<String, bool>,
    /// Workspace package name → its folder.
    workspace: BTreeMap<String, std::path::PathBuf>,
}

fn graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let name_of: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    let workspace_packages: Vec<&Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .collect();
    let required = workspace_packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null() && d["optional"] == false)
                .map(|d| {
                    // Default features, or any named ones, may switch optional deps on.
                    let features = d["features"].as_array().is_some_and(|f| !f.is_empty());
                    (
                        d["name"].as_str().unwrap().to_owned(),
                        d["uses_default_features"] == true || features,
                    )
                })
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect();
    let default_enables_optional = workspace_packages
        .iter()
        .map(|p| {
            let optional = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["optional"] == true);
            let default = p["features"]["default"]
                .as_array()
                .is_some_and(|features| !features.is_empty());
            (p["name"].as_str().unwrap().to_owned(), optional && default)
        })
        .collect();
    let workspace = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .map(|p| {
            let manifest = std::path::PathBuf::from(p["manifest_path"].as_str().unwrap());
            (
                p["name"].as_str().unwrap().to_owned(),
                manifest.parent().unwrap().to_path_buf(),
            )
        })
        .collect();
    let normal = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| {
                    dep["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|kind| kind["kind"].is_null())
                })
                .map(|dep| name_of[dep["pkg"].as_str().unwrap()].to_owned())
                .collect();
            (name_of[node["id"].as_str().unwrap()].to_owned(), deps)
        })
        .collect();
    Graph {
        normal,
        required,
        default_enables_optional,
        workspace,
    }
}

impl Graph {
    fn direct(&self, crate_name: &str) -> &BTreeSet<String> {
        &self.normal[crate_name]
    }

    /// Everything `crate_name` builds against, itself excluded.
    fn closure(&self, crate_name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = vec![crate_name];
        while let Some(next) = todo.pop() {
            for dep in &self.normal[next] {
                if seen.insert(dep.clone()) {
                    todo.push(dep);
                }
            }
        }
        seen
    }

    fn forbidden_in(&self, crate_name: &str) -> Vec<String> {
        self.closure(crate_name)
            .into_iter()
            .filter(|name| forbidden(name))
            .collect()
    }

    /// What a workspace crate builds against without its default features: its required
    /// dependencies, through workspace crates likewise (all of a workspace crate's resolved
    /// dependencies where it is asked for with default features that enable optional ones),
    /// and everything an outside crate resolves to.
    fn domain_closure(&self, crate_name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<(String, bool)> = self.required[crate_name].clone();
        while let Some((dep, with_defaults)) = todo.pop() {
            if !seen.insert(dep.clone()) {
                continue;
            }
            match self.required.get(&dep) {
                Some(required) if !(with_defaults && self.default_enables_optional[&dep]) => {
                    todo.extend(required.iter().cloned())
                }
                _ => seen.extend(self.closure(&dep)),
            }
        }
        seen
    }

    fn workspace_deps(&self, crate_name: &str) -> BTreeSet<String> {
        self.direct(crate_name)
            .iter()
            .filter(|d| self.workspace.contains_key(*d))
            .cloned()
            .collect()
    }

    /// Workspace crates whose sources define a `decide` or an `evolve`.
    fn holding_domain_logic(&self) -> BTreeSet<String> {
        self.workspace
            .iter()
            .filter(|(_, dir)| {
                sources(&dir.join("src"))
                    .iter()
                    .any(|text| text.contains("fn decide(") || text.contains("fn evolve("))
            })
            .map(|(name, _)| name.clone())
            .collect()
    }
}

fn sources(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut texts = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            texts.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            texts.push(std::fs::read_to_string(&path).unwrap());
        }
    }
    texts
}

#[test]
fn the_core_and_the_contracts_build_against_no_database_http_lambda_or_cipher() {
    let graph = graph();
    for crate_name in ["event-sourcing", "contracts"] {
        assert_eq!(
            graph.forbidden_in(crate_name),
            Vec::<String>::new(),
            "{crate_name}"
        );
    }
    let core: BTreeSet<String> = graph.direct("event-sourcing").clone();
    let allowed: BTreeSet<String> = CORE_DEPENDENCIES.iter().map(|d| d.to_string()).collect();
    assert!(
        core.is_subset(&allowed),
        "the core depends on {:?} beyond {allowed:?}",
        core.difference(&allowed).collect::<Vec<_>>()
    );
    assert_eq!(
        graph.workspace_deps("contracts"),
        BTreeSet::from(["event-sourcing".to_owned()])
    );
}

#[test]
fn every_layer_depends_only_on_the_layers_under_it() {
    let graph = graph();
    for (layer, allowed) in LAYERS {
        let allowed: BTreeSet<String> = allowed.iter().map(|d| d.to_string()).collect();
        assert_eq!(graph.workspace_deps(layer), allowed, "{layer}");
    }
    // The crypto layer seals with a cipher but knows no database or HTTP.
    let crypto = graph.closure("crypto-shredding");
    assert!(
        !crypto
            .iter()
            .any(|d| d.starts_with("aws") || d.starts_with("lambda") || d == "http"),
        "{crypto:?}"
    );
}

#[test]
fn crates_holding_a_decide_or_an_evolve_build_against_the_core_alone() {
    let graph = graph();
    let holding = graph.holding_domain_logic();
    for name in [
        "event-sourcing",
        "contracts",
        "contact",
        "client",
        "case",
        "pipeline",
        "opportunity",
        "task",
    ] {
        assert!(
            holding.contains(name),
            "{name} holds no decide or evolve? {holding:?}"
        );
    }
    for crate_name in &holding {
        let found: Vec<String> = graph
            .domain_closure(crate_name)
            .into_iter()
            .filter(|name| forbidden(name))
            .collect();
        assert_eq!(
            found,
            Vec::<String>::new(),
            "{crate_name} holds a decide or an evolve"
        );
    }
}

#[test]
fn aggregates_meet_through_contracts_and_their_lambdas_compose_only_the_listed_policies() {
    let graph = graph();
    // The crates with an `evolve` of their own: every one but the core and the contracts.
    let aggregates: Vec<String> = graph
        .holding_domain_logic()
        .into_iter()
        .filter(|name| !matches!(name.as_str(), "event-sourcing" | "contracts"))
        .collect();
    assert!(aggregates.len() >= 3, "{aggregates:?}");
    let mut domains_meeting = BTreeSet::new();
    let mut lambdas_composing = BTreeSet::new();
    for aggregate in &aggregates {
        let domain = graph.domain_closure(aggregate);
        let lambdas = graph.closure(aggregate);
        for other in aggregates.iter().filter(|other| *other != aggregate) {
            if domain.contains(other) {
                domains_meeting.insert((aggregate.as_str(), other.as_str()));
            }
            if lambdas.contains(other) {
                lambdas_composing.insert((aggregate.as_str(), other.as_str()));
            }
        }
    }
    assert_eq!(
        domains_meeting,
        BTreeSet::new(),
        "an aggregate's domain reads another's stream through `contracts` only"
    );
    assert_eq!(
        lambdas_composing,
        BTreeSet::from(LAMBDAS_COMPOSING_POLICIES),
        "record on another aggregate's stream with that aggregate's policy, composed by the \
         `lambda` feature; read several aggregates from a crate that owns none (as privacy \
         does); grow the list only by a policy composed"
    );
    // What the composing crates take from the other aggregate is its policies alone.
    for (aggregate, other) in LAMBDAS_COMPOSING_POLICIES {
        let dir = &graph.workspace[aggregate];
        let uses: BTreeSet<String> = sources(&dir.join("src"))
            .iter()
            .flat_map(|text| {
                text.lines()
                    .filter(|line| line.trim_start().starts_with(&format!("use {other}::")))
                    .map(|line| line.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        for line in &uses {
            assert!(
                line.starts_with(&format!("use {other}::policies::")),
                "{aggregate} uses {line}: only {other}'s policies"
            );
        }
        assert!(
            !uses.is_empty(),
            "{aggregate} composes none of {other}'s policies?"
        );
    }
}
