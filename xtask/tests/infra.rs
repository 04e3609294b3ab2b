//! The tables are defined three times: infra/tables.json (the contract), template.yaml (AWS)
//! and the Rust bootstrap (local stack and tests). They must define the same tables, keys,
//! indexes, streams and TTL.

use serde_json::{json, Value};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The comparable parts of a table definition, in a canonical order.
fn canonical(table: &Value) -> Value {
    let mut attributes: Vec<Value> = table["AttributeDefinitions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    attributes.sort_by_key(|a| a["AttributeName"].as_str().unwrap_or("").to_owned());
    let mut indexes: Vec<Value> = table["GlobalSecondaryIndexes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|i| json!({ "IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "ProjectionType": i["Projection"]["ProjectionType"] }))
        .collect();
    indexes.sort_by_key(|i| i["IndexName"].as_str().unwrap_or("").to_owned());
    json!({
        "BillingMode": table["BillingMode"],
        "AttributeDefinitions": attributes,
        "KeySchema": table["KeySchema"],
        "GlobalSecondaryIndexes": indexes,
        "StreamViewType": table["StreamSpecification"]["StreamViewType"],
        "TimeToLive": table["TimeToLive"],
    })
}

fn contract() -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("infra/tables.json")).unwrap())
        .unwrap()
}

fn template_table(name: &str) -> Value {
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("template.yaml")).unwrap())
            .unwrap();
    let properties = &template["Resources"][name]["Properties"];
    // Drop CloudFormation tags (!Ref in TableName): not part of the comparison.
    let mut properties: Value = serde_json::to_value(strip_tags(properties.clone())).unwrap();
    // The attribute whose expiry deletes an item, or null when items never expire.
    let ttl = &properties["TimeToLiveSpecification"];
    properties["TimeToLive"] = match ttl["Enabled"].as_bool() {
        Some(true) => ttl["AttributeName"].clone(),
        _ => Value::Null,
    };
    properties
}

fn strip_tags(value: serde_yaml::Value) -> serde_yaml::Value {
    match value {
        serde_yaml::Value::Tagged(_) => serde_yaml::Value::Null,
        serde_yaml::Value::Mapping(map) => {
            serde_yaml::Value::Mapping(map.into_iter().map(|(k, v)| (k, strip_tags(v))).collect())
        }
        serde_yaml::Value::Sequence(items) => {
            serde_yaml::Value::Sequence(items.into_iter().map(strip_tags).collect())
        }
        other => other,
    }
}

#[test]
fn the_template_defines_the_contracts_tables() {
    let contract = contract();
    for name in ["EventStore", "ProjectionStore", "KeyStore"] {
        let template = template_table(name);
        assert_eq!(
            canonical(&template),
            canonical(&contract[name]),
            "{name}: template.yaml drifted from infra/tables.json"
        );
        assert_eq!(
            template["PointInTimeRecoverySpecification"],
            contract[name]["PointInTimeRecoverySpecification"],
            "{name}: point-in-time recovery"
        );
    }
}

#[test]
fn the_local_bootstrap_creates_the_contracts_tables() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let described = runtime.block_on(async {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let client = aws_sdk_dynamodb::Client::new(&config);
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let (events, views, keys) = (format!("EventStore-drift-{suffix}"), format!("ProjectionStore-drift-{suffix}"), format!("KeyStore-drift-{suffix}"));
        dynamodb_adapters::event_store::create_event_store_table(&client, &events).await.unwrap();
        dynamodb_adapters::create_projection_store_table(&client, &views).await.unwrap();
        dynamodb_adapters::create_key_store_table(&client, &keys).await.unwrap();
        let mut described = serde_json::Map::new();
        for (name, table) in [("EventStore", events), ("ProjectionStore", views), ("KeyStore", keys)] {
            let output = client.describe_table().table_name(&table).send().await.unwrap();
            let table_description = output.table.unwrap();
            let ttl = client.describe_time_to_live().table_name(&table).send().await.unwrap();
            let ttl_attribute = ttl
                .time_to_live_description
                .filter(|d| d.time_to_live_status.as_ref().is_some_and(|s| s.as_str() == "ENABLED"))
                .and_then(|d| d.attribute_name);
            described.insert(
                name.to_owned(),
                json!({
                    "BillingMode": table_description.billing_mode_summary.and_then(|b| b.billing_mode).map(|m| m.as_str().to_owned()),
                    "AttributeDefinitions": table_description.attribute_definitions.unwrap_or_default().iter()
                        .map(|a| json!({ "AttributeName": a.attribute_name(), "AttributeType": a.attribute_type().as_str() })).collect::<Vec<_>>(),
                    "KeySchema": table_description.key_schema.unwrap_or_default().iter()
                        .map(|k| json!({ "AttributeName": k.attribute_name(), "KeyType": k.key_type().as_str() })).collect::<Vec<_>>(),
                    "GlobalSecondaryIndexes": table_description.global_secondary_indexes.unwrap_or_default().iter()
                        .map(|i| json!({
                            "IndexName": i.index_name(),
                            "KeySchema": i.key_schema().iter().map(|k| json!({ "AttributeName": k.attribute_name(), "KeyType": k.key_type().as_str() })).collect::<Vec<_>>(),
                            "Projection": { "ProjectionType": i.projection().and_then(|p| p.projection_type()).map(|t| t.as_str()) },
                        })).collect::<Vec<_>>(),
                    "StreamSpecification": table_description.stream_specification
                        .filter(|s| s.stream_enabled())
                        .map(|s| json!({ "StreamViewType": s.stream_view_type().map(|v| v.as_str()) })),
                    "TimeToLive": ttl_attribute,
                }),
            );
        }
        Value::Object(described)
    });
    let contract = contract();
    for name in ["EventStore", "ProjectionStore", "KeyStore"] {
        assert_eq!(
            canonical(&described[name]),
            canonical(&contract[name]),
            "{name}: the bootstrap drifted from infra/tables.json"
        );
    }
}

/// Each function's time budget comes from FUNCTION_TIMEOUT_SECONDS: it must be its Timeout.
#[test]
fn every_function_knows_its_own_timeout() {
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("template.yaml")).unwrap())
            .unwrap();
    let globals = &template["Globals"]["Function"];
    let functions = template["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some("AWS::Serverless::Function"));
    let mut checked = 0;
    for (name, function) in functions {
        let properties = &function["Properties"];
        let timeout = properties["Timeout"]
            .as_u64()
            .or(globals["Timeout"].as_u64())
            .unwrap();
        let variables = &properties["Environment"]["Variables"];
        let budget = variables["FUNCTION_TIMEOUT_SECONDS"]
            .as_u64()
            .or(globals["Environment"]["Variables"]["FUNCTION_TIMEOUT_SECONDS"].as_u64());
        assert_eq!(budget, Some(timeout), "{name:?}");
        checked += 1;
    }
    assert!(checked > 10, "only {checked} functions found");
}

fn template() -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(root().join("template.yaml")).unwrap()).unwrap()
}

/// A `!Ref X` / `!GetAtt X.Y` / `!If [...]` as written, for comparing.
fn written(value: &serde_yaml::Value) -> String {
    serde_yaml::to_string(value).unwrap().trim().to_owned()
}

#[test]
fn every_route_is_behind_the_jwt_authorizer_with_a_fallback_user_pool() {
    let t = template();
    let api = &t["Resources"]["HttpApi"]["Properties"];
    assert_eq!(api["Auth"]["DefaultAuthorizer"], "Jwt");
    let jwt = &api["Auth"]["Authorizers"]["Jwt"];
    assert_eq!(jwt["IdentitySource"], "$request.header.Authorization");
    let issuer = written(&jwt["JwtConfiguration"]["issuer"]);
    assert!(
        issuer.contains("CreateUserPool") && issuer.contains("JwtIssuer"),
        "{issuer}"
    );
    for pool in [
        "UserPool",
        "UserPoolDomain",
        "CrmResourceServer",
        "UserPoolClient",
    ] {
        assert_eq!(
            t["Resources"][pool]["Condition"], "CreateUserPool",
            "{pool}"
        );
    }
    let scopes: Vec<String> = t["Resources"]["CrmResourceServer"]["Properties"]["Scopes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| format!("crm/{}", s["ScopeName"].as_str().unwrap()))
        .collect();
    let expected: Vec<&str> = http_api::auth::Scope::ALL
        .iter()
        .map(|s| s.name())
        .collect();
    assert_eq!(scopes, expected);
    assert_eq!(
        t["Globals"]["Function"]["Environment"]["Variables"]["AUTH_MODE"], "gateway",
        "functions check the authorizer's claims themselves too"
    );
}

#[test]
fn abuse_limits_logs_and_alarms_are_configured() {
    let t = template();
    let api = &t["Resources"]["HttpApi"]["Properties"];
    let route = &api["DefaultRouteSettings"];
    assert!(written(&route["ThrottlingBurstLimit"]).contains("ThrottlingBurstLimit"));
    assert!(written(&route["ThrottlingRateLimit"]).contains("ThrottlingRateLimit"));
    assert!(written(&api["CorsConfiguration"]).contains("CorsAllowedOrigins"));
    let access = &api["AccessLogSettings"];
    assert!(written(&access["DestinationArn"]).contains("ApiAccessLogGroup"));
    let format: serde_json::Value =
        serde_json::from_str(access["Format"].as_str().unwrap()).expect("access logs are JSON");
    assert_eq!(format["traceId"], "$context.requestId");
    // Every log group expires; functions log into one of them.
    let resources = t["Resources"].as_mapping().unwrap();
    let groups: Vec<_> = resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Logs::LogGroup")
        .collect();
    assert_eq!(groups.len(), 2);
    for (name, group) in groups {
        assert!(
            written(&group["Properties"]["RetentionInDays"]).contains("LogRetentionDays"),
            "{name:?}"
        );
    }
    assert!(
        written(&t["Globals"]["Function"]["LoggingConfig"]["LogGroup"])
            .contains("FunctionLogGroup")
    );
    for alarm in [
        "DeadLetterAlarm",
        "StreamIteratorAgeAlarm",
        "Api5xxRateAlarm",
    ] {
        let alarm = &t["Resources"][alarm];
        assert_eq!(alarm["Type"], "AWS::CloudWatch::Alarm");
        assert!(written(&alarm["Properties"]["AlarmActions"]).contains("AlarmTopic"));
    }
    assert!(written(
        &t["Resources"]["StreamConsumerFunction"]["Properties"]["ReservedConcurrentExecutions"]
    )
    .contains("StreamConsumerConcurrency"));
}

#[test]
fn the_event_and_key_stores_are_protected_and_every_table_takes_the_kms_key() {
    let t = template();
    for table in ["EventStore", "KeyStore"] {
        let table = &t["Resources"][table];
        assert_eq!(table["DeletionPolicy"], "Retain");
        assert_eq!(table["Properties"]["DeletionProtectionEnabled"], true);
    }
    // No stream and no backup may hold a destroyed key.
    let keys = &t["Resources"]["KeyStore"]["Properties"];
    assert!(
        keys["StreamSpecification"].is_null() && keys["PointInTimeRecoverySpecification"].is_null()
    );
    for table in ["EventStore", "ProjectionStore", "KeyStore"] {
        let sse = written(&t["Resources"][table]["Properties"]["SSESpecification"]);
        assert!(
            sse.contains("HasKmsKey") && sse.contains("KmsKeyArn"),
            "{table}: {sse}"
        );
    }
}
