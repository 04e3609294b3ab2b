//! template.yaml as data, for the tests that hold it to the registries: which function serves
//! which routes with which scope, and what its policy allows.

use std::path::Path;

use serde_yaml::Value;

/// One `AWS::Serverless::Function` with a `Binary`.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub logical_id: String,
    pub binary: String,
    /// (method, path, authorization scopes) of each `HttpApi` event.
    pub routes: Vec<(String, String, Vec<String>)>,
    /// (actions, resource as written, `dynamodb:LeadingKeys` patterns) of each statement.
    pub statements: Vec<(Vec<String>, String, Vec<String>)>,
}

pub fn load(root: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(root.join("template.yaml")).map_err(|e| e.to_string())?;
    serde_yaml::from_str(&text).map_err(|e| format!("template.yaml: {e}"))
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        Value::String(s) => vec![s.clone()],
        // `!GetAtt EventStore.Arn` and the like, as written.
        Value::Tagged(tagged) => vec![format!(
            "{} {}",
            tagged.tag,
            strings(&tagged.value).join(" ")
        )],
        _ => Vec::new(),
    }
}

pub fn functions(template: &Value) -> Vec<Function> {
    let Some(resources) = template["Resources"].as_mapping() else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .filter_map(|(id, resource)| {
            let binary = resource["Metadata"]["BuildProperties"]["Binary"].as_str()?;
            let properties = &resource["Properties"];
            let routes = properties["Events"]
                .as_mapping()
                .into_iter()
                .flatten()
                .filter(|(_, e)| e["Type"] == "HttpApi")
                .map(|(_, event)| {
                    let p = &event["Properties"];
                    (
                        p["Method"].as_str().unwrap_or_default().to_owned(),
                        p["Path"].as_str().unwrap_or_default().to_owned(),
                        strings(&p["Auth"]["AuthorizationScopes"]),
                    )
                })
                .collect();
            let statements = properties["Policies"]
                .as_sequence()
                .into_iter()
                .flatten()
                .flat_map(|policy| {
                    policy["Statement"]
                        .as_sequence()
                        .cloned()
                        .unwrap_or_default()
                })
                .map(|statement| {
                    (
                        strings(&statement["Action"]),
                        strings(&statement["Resource"]).join(" "),
                        strings(
                            &statement["Condition"]["ForAllValues:StringLike"]
                                ["dynamodb:LeadingKeys"],
                        ),
                    )
                })
                .collect();
            Some(Function {
                logical_id: id.as_str().unwrap_or_default().to_owned(),
                binary: binary.to_owned(),
                routes,
                statements,
            })
        })
        .collect()
}
