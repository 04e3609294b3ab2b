//! docs/openapi.yaml suits mainstream client generators: openapi-python-client (pinned in
//! xtask/requirements.txt) generates it without a warning, with a module for every operation.
//!
//! The generator skips an operation it cannot model (with a warning, still exiting 0), so its
//! exit status alone proves little: every operationId of the document is looked up in its output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOCUMENT: &str = "docs/openapi.yaml";

/// The methods the generator reads from a path item, in its order.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document, and where the generator puts its functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// `api/<first tag>/<operationId>.py`, both in the generator's snake case.
    pub module: PathBuf,
}

/// Runs openapi-python-client (from `venv_bin`) on docs/openapi.yaml into a fresh directory
/// under `.local/`, and fails unless it ran without warnings and made every operation.
pub fn python_client_has_every_operation(root: &Path, venv_bin: &Path) -> Result<(), String> {
    let operations = operations(&read_document(root)?)?;
    let out = root
        .join(".local")
        .join(format!("openapi-python-client-{}", std::process::id()));
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    // Its post hooks (ruff check, ruff format) are installed beside it: on the PATH, so that
    // they run, and a generated file that does not parse fails the check.
    let path = match std::env::var_os("PATH") {
        Some(path) => {
            let mut dirs = vec![venv_bin.to_path_buf()];
            dirs.extend(std::env::split_paths(&path));
            std::env::join_paths(dirs).map_err(|e| e.to_string())?
        }
        None => venv_bin.as_os_str().to_owned(),
    };
    let output = Command::new(venv_bin.join("openapi-python-client"))
        .current_dir(root)
        .env("PATH", path)
        .args(["generate", "--path", DOCUMENT, "--meta", "none"])
        .args(["--fail-on-warning", "--output-path"])
        .arg(&out)
        .output()
        .map_err(|e| format!("openapi-python-client: cannot start: {e}"))?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut failures = Vec::new();
    if !output.status.success() {
        failures.push(format!("it failed ({})", output.status));
    }
    let lower = printed.to_lowercase();
    if lower.contains("warning") || lower.contains("will not be generated") {
        failures.push("it printed warnings (a skipped endpoint or schema)".to_owned());
    }
    let missing = missing(&out, &operations);
    if !missing.is_empty() {
        failures.push(format!(
            "it made no client function for {} operation(s):\n  {}",
            missing.len(),
            missing.join("\n  ")
        ));
    }
    if failures.is_empty() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!(
            "xtask: openapi-python-client generated all {} operations of {DOCUMENT}",
            operations.len()
        );
        return Ok(());
    }
    Err(format!(
        "openapi-python-client on {DOCUMENT}: {}\n(its output is left in {})\n{printed}",
        failures.join("; "),
        out.display()
    ))
}

fn read_document(root: &Path) -> Result<serde_yaml::Value, String> {
    let path = root.join(DOCUMENT);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every operation of the document with the module the generator makes for it: under its
/// first tag (`default` without one), named after its operationId. Two operations that would
/// share a module, or one without an operationId, are errors.
pub fn operations(document: &serde_yaml::Value) -> Result<Vec<Operation>, String> {
    let paths = document["paths"]
        .as_mapping()
        .ok_or_else(|| format!("{DOCUMENT} has no paths"))?;
    let mut operations = Vec::new();
    let mut errors = Vec::new();
    for (path, item) in paths {
        let path = path.as_str().unwrap_or_default();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let method = method.to_uppercase();
            let Some(operation_id) = operation["operationId"].as_str() else {
                errors.push(format!("{method} {path} has no operationId"));
                continue;
            };
            let tag = operation["tags"][0].as_str().unwrap_or("default");
            let module = Path::new("api")
                .join(python_identifier(tag, "tag"))
                .join(format!("{}.py", python_identifier(operation_id, "field_")));
            operations.push(Operation {
                method,
                path: path.to_owned(),
                operation_id: operation_id.to_owned(),
                module,
            });
        }
    }
    let mut by_module: BTreeMap<&Path, Vec<&Operation>> = BTreeMap::new();
    for operation in &operations {
        by_module
            .entry(&operation.module)
            .or_default()
            .push(operation);
    }
    for (module, sharing) in by_module.iter().filter(|(_, s)| s.len() > 1) {
        let ids: Vec<&str> = sharing.iter().map(|o| o.operation_id.as_str()).collect();
        errors.push(format!(
            "operationIds {ids:?} would all be generated as {}",
            module.display()
        ));
    }
    if errors.is_empty() {
        Ok(operations)
    } else {
        Err(format!("{DOCUMENT}: {}", errors.join("; ")))
    }
}

/// The operations with no module, or a module without its functions, in the generated client.
fn missing(out: &Path, operations: &[Operation]) -> Vec<String> {
    operations
        .iter()
        .filter(|operation| {
            let code = std::fs::read_to_string(out.join(&operation.module)).unwrap_or_default();
            !["def sync_detailed(", "def asyncio_detailed("]
                .iter()
                .all(|function| code.contains(function))
        })
        .map(|o| {
            format!(
                "{} {} ({} -> {})",
                o.method,
                o.path,
                o.operation_id,
                o.module.display()
            )
        })
        .collect()
}

/// Python builtins and keywords in lower case, to which the generator appends `_` (its
/// `strings.RESERVED_WORDS`, without `id`, plus `keyword.kwlist`).
const RESERVED_WORDS: &str = "\
    abs aiter all and anext any as ascii assert async await bin bool break breakpoint \
    bytearray bytes callable chr class classmethod compile complex continue copyright credits \
    datetime def del delattr dict dir divmod elif else enumerate eval except exec exit false \
    filter finally float for format from frozenset getattr global globals hasattr hash help \
    hex if import in input int is isinstance issubclass iter lambda len license list locals \
    map max memoryview min next nonlocal not object oct open or ord pass pow print property \
    quit raise range repr return reversed round self set setattr slice sorted staticmethod str \
    sum super true try tuple type vars while with yield zip";

/// The generator's delimiters (`strings.DELIMITERS`, a raw string: the backslash is one).
const DELIMITERS: &str = "\\. _-";

/// openapi-python-client's `PythonIdentifier(value, prefix)`: a tag's or an operationId's
/// snake_case module name (`createCase` → `create_case`, `getSLAPolicy` → `get_sla_policy`).
/// Exact for ASCII names.
pub fn python_identifier(value: &str, prefix: &str) -> String {
    let sanitized: String = value
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || DELIMITERS.contains(*c))
        .collect();
    let mut name = snake_case(&sanitized);
    if RESERVED_WORDS.split_whitespace().any(|word| word == name) {
        name.push('_');
    }
    let identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    if !identifier || sanitized.starts_with('_') {
        name.insert_str(0, prefix);
    }
    name
}

/// `snake_case` after `split_words`: when there is a capital, each `[A-Z]?[a-z]+` becomes a
/// word of its own; then words are what lies between delimiters.
fn snake_case(value: &str) -> String {
    let mut spaced = String::new();
    if value.chars().any(char::is_uppercase) {
        let chars: Vec<char> = value.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let mut start = i;
            if chars[i].is_ascii_uppercase()
                && chars.get(i + 1).is_some_and(char::is_ascii_lowercase)
            {
                start = i + 1;
            }
            if chars[start].is_ascii_lowercase() {
                let end = (start..chars.len())
                    .find(|&k| !chars[k].is_ascii_lowercase())
                    .unwrap_or(chars.len());
                spaced.push(' ');
                spaced.extend(&chars[i..end]);
                spaced.push(' ');
                i = end;
            } else {
                spaced.push(chars[i]);
                i += 1;
            }
        }
    } else {
        spaced.push_str(value);
    }
    spaced
        .split(|c| DELIMITERS.contains(c))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from openapi-python-client 0.29.1's own `PythonIdentifier`.
    #[test]
    fn names_modules_as_the_generator_does() {
        for (value, prefix, module) in [
            ("createCase", "field_", "create_case"),
            ("getSLAPolicy", "field_", "get_sla_policy"),
            ("HTTPStatus", "field_", "http_status"),
            ("v2Items", "field_", "v_2_items"),
            ("listV2", "field_", "list_v2"),
            ("ABC", "field_", "abc"),
            ("aB", "field_", "a_b"),
            ("get-case by.id", "field_", "get_case_by_id"),
            ("x!y", "field_", "xy"),
            ("list", "field_", "list_"),
            ("type", "field_", "type_"),
            ("class", "field_", "class_"),
            ("id", "field_", "id"),
            ("None", "field_", "none"),
            ("2fa", "field_", "field_2fa"),
            ("_x", "field_", "field_x"),
            ("cases", "tag", "cases"),
            ("Default", "tag", "default"),
        ] {
            assert_eq!(python_identifier(value, prefix), module, "{value}");
        }
    }

    #[test]
    fn every_operation_of_the_document_has_a_module_of_its_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let operations = operations(&read_document(&root).unwrap()).unwrap();
        assert!(operations.len() > 50, "{}", operations.len());
        let create_case = operations
            .iter()
            .find(|o| o.operation_id == "createCase")
            .unwrap();
        assert_eq!(create_case.module, Path::new("api/cases/create_case.py"));
    }

    #[test]
    fn an_operation_without_an_id_or_sharing_a_module_is_an_error() {
        let document: serde_yaml::Value = serde_yaml::from_str(
            "paths:
              /a: { get: { tags: [x] }, post: { operationId: makeA, tags: [x] } }
              /b: { put: { operationId: make_a, tags: [x] } }",
        )
        .unwrap();
        let error = operations(&document).unwrap_err();
        assert!(error.contains("GET /a has no operationId"), "{error}");
        assert!(error.contains("\"makeA\", \"make_a\""), "{error}");
    }

    /// The check itself, on the .venv of `cargo xtask` (it runs in `lint_template`).
    #[test]
    #[ignore = "needs openapi-python-client in .venv"]
    fn the_python_client_has_every_operation() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        python_client_has_every_operation(root, &root.join(".venv/bin")).unwrap();
    }
}
