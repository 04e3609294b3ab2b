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

// --- The web console: a private bucket behind CloudFront, the API on the same origin -------

const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

fn distribution(t: &serde_yaml::Value) -> &serde_yaml::Value {
    &t["Resources"]["ConsoleDistribution"]["Properties"]["DistributionConfig"]
}

/// The distribution's origin with this id.
fn origin<'t>(t: &'t serde_yaml::Value, id: &str) -> &'t serde_yaml::Value {
    distribution(t)["Origins"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|o| o["Id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no origin {id}"))
}

#[test]
fn the_console_bucket_is_private_and_read_only_through_the_distributions_oac() {
    let t = template();
    let bucket = &t["Resources"]["ConsoleBucket"]["Properties"];
    for block in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(
            bucket["PublicAccessBlockConfiguration"][block], true,
            "{block}"
        );
    }
    assert_eq!(
        bucket["OwnershipControls"]["Rules"][0]["ObjectOwnership"],
        "BucketOwnerEnforced"
    );
    assert!(!bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"].is_null());
    assert!(
        bucket["WebsiteConfiguration"].is_null(),
        "no public website endpoint"
    );

    let policy = &t["Resources"]["ConsoleBucketPolicy"]["Properties"];
    assert_eq!(written(&policy["Bucket"]), "!Ref ConsoleBucket");
    let statements = policy["PolicyDocument"]["Statement"].as_sequence().unwrap();
    let allows: Vec<_> = statements
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .collect();
    assert_eq!(allows.len(), 1, "only CloudFront may read");
    let read = allows[0];
    assert_eq!(read["Principal"]["Service"], "cloudfront.amazonaws.com");
    assert_eq!(read["Action"], "s3:GetObject");
    let source = written(&read["Condition"]["StringEquals"]["AWS:SourceArn"]);
    assert!(
        source.contains(":cloudfront::${AWS::AccountId}:distribution/${ConsoleDistribution}"),
        "this distribution only: {source}"
    );
    let tls = statements
        .iter()
        .find(|s| s["Effect"] == "Deny")
        .expect("a TLS-only deny");
    assert_eq!(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");
    assert_eq!(tls["Principal"], "*");

    // The distribution reaches the bucket signed by its origin access control, no legacy OAI.
    let console = origin(&t, "console");
    assert_eq!(
        written(&console["DomainName"]),
        "!GetAtt ConsoleBucket.RegionalDomainName"
    );
    assert_eq!(
        written(&console["OriginAccessControlId"]),
        "!GetAtt ConsoleOriginAccessControl.Id"
    );
    assert_eq!(console["S3OriginConfig"]["OriginAccessIdentity"], "");
    let oac =
        &t["Resources"]["ConsoleOriginAccessControl"]["Properties"]["OriginAccessControlConfig"];
    assert_eq!(oac["OriginAccessControlOriginType"], "s3");
    assert_eq!(oac["SigningBehavior"], "always");
    assert_eq!(oac["SigningProtocol"], "sigv4");

    let config = distribution(&t);
    assert_eq!(config["DefaultRootObject"], "index.html");
    assert_eq!(config["DefaultCacheBehavior"]["TargetOriginId"], "console");
    assert_eq!(
        config["DefaultCacheBehavior"]["ViewerProtocolPolicy"],
        "redirect-to-https"
    );
    // The console routes in the fragment: a 403 or 404 (the API's above all) is never rewritten.
    assert!(config["CustomErrorResponses"].is_null());
}

#[test]
fn api_paths_go_to_the_http_api_uncached() {
    let t = template();
    let behaviours = distribution(&t)["CacheBehaviors"].as_sequence().unwrap();
    let api = behaviours
        .iter()
        .find(|b| b["PathPattern"] == "/api/*")
        .expect("a /api/* behaviour");
    let target = api["TargetOriginId"].as_str().unwrap();
    let origin = origin(&t, target);
    assert_eq!(
        written(&origin["DomainName"]),
        "!Sub ${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    );
    assert_eq!(written(&origin["OriginPath"]), "!Sub /${Stage}");
    assert_eq!(
        origin["CustomOriginConfig"]["OriginProtocolPolicy"],
        "https-only"
    );
    assert_eq!(api["CachePolicyId"], CACHING_DISABLED);
    assert_eq!(api["OriginRequestPolicyId"], ALL_VIEWER_EXCEPT_HOST_HEADER);
    assert_eq!(api["ViewerProtocolPolicy"], "https-only");
    let methods: Vec<&str> = api["AllowedMethods"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    for method in ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"] {
        assert!(methods.contains(&method), "{method}");
    }
    // Every route of the API is under /api, so the console reaches each one there.
    let functions = xtask::template::functions(&t);
    let routes: Vec<_> = functions.iter().flat_map(|f| &f.routes).collect();
    assert!(routes.len() > 10, "only {} routes found", routes.len());
    for (method, path, _) in routes {
        assert!(path.starts_with("/api/"), "{method} {path}");
    }
}

#[test]
fn the_console_is_served_with_a_strict_content_security_policy() {
    let t = template();
    let policy = &t["Resources"]["ConsoleResponseHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    let hsts = &policy["StrictTransportSecurity"];
    assert!(hsts["AccessControlMaxAgeSec"].as_u64().unwrap() >= 31_536_000);
    assert_eq!(hsts["Override"], true);
    assert_eq!(policy["ContentTypeOptions"]["Override"], true);
    assert_eq!(policy["FrameOptions"]["FrameOption"], "DENY");
    assert!(policy["ReferrerPolicy"]["ReferrerPolicy"].is_string());

    let csp = &policy["ContentSecurityPolicy"];
    assert_eq!(csp["Override"], true);
    // `!Sub [policy, { the identity provider's origins }]`
    let whole = written(&csp["ContentSecurityPolicy"]);
    for unsafe_source in ["unsafe-inline", "unsafe-eval", "unsafe-hashes", "*"] {
        assert!(!whole.contains(unsafe_source), "{unsafe_source} in {whole}");
    }
    let text = csp["ContentSecurityPolicy"][0]
        .as_str()
        .expect("the policy's text");
    let directives: std::collections::HashMap<&str, &str> = text
        .split(';')
        .filter_map(|d| d.trim().split_once(' '))
        .collect();
    for (directive, sources) in [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("object-src", "'none'"),
        ("frame-ancestors", "'none'"),
        ("base-uri", "'self'"),
    ] {
        assert_eq!(
            directives.get(directive),
            Some(&sources),
            "{directive} in {text}"
        );
    }
    // The only other origin: the identity provider's, where the console signs in.
    assert_eq!(directives.get("connect-src"), Some(&"'self'${TokenOrigin}"));
    assert_eq!(
        directives.get("form-action"),
        Some(&"'self'${AuthorizeOrigin}")
    );
    let origins = written(&csp["ContentSecurityPolicy"][1]);
    assert!(
        origins.contains("${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"),
        "{origins}"
    );

    // On every response: the console's files and the API's answers.
    let config = distribution(&t);
    let mut behaviours = vec![&config["DefaultCacheBehavior"]];
    behaviours.extend(config["CacheBehaviors"].as_sequence().unwrap());
    for behaviour in behaviours {
        assert_eq!(
            written(&behaviour["ResponseHeadersPolicyId"]),
            "!Ref ConsoleResponseHeadersPolicy"
        );
    }
}

#[test]
fn the_console_client_is_public_code_flow_only_and_in_the_authorizers_audience() {
    let t = template();
    let client = &t["Resources"]["ConsoleUserPoolClient"];
    assert_eq!(client["Condition"], "CreateUserPool");
    assert_eq!(
        written(&client["Properties"]["UserPoolId"]),
        "!Ref UserPool"
    );
    assert_eq!(
        client["Properties"]["GenerateSecret"], false,
        "a browser keeps no secret"
    );

    // Its sign-in settings, applied once the distribution's domain is known.
    let settings = &t["Resources"]["ConsoleClientSettings"];
    assert_eq!(settings["Condition"], "CreateUserPool");
    let settings = &settings["Properties"];
    assert_eq!(written(&settings["ClientId"]), "!Ref ConsoleUserPoolClient");
    assert_eq!(settings["AllowedOAuthFlowsUserPoolClient"], true);
    let flows: Vec<_> = settings["AllowedOAuthFlows"]
        .as_sequence()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(flows, ["code"], "authorization code only");
    let explicit: Vec<_> = settings["ExplicitAuthFlows"]
        .as_sequence()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(explicit, ["ALLOW_REFRESH_TOKEN_AUTH"], "no password flows");
    assert_eq!(settings["SupportedIdentityProviders"][0], "COGNITO");
    assert_eq!(settings["PreventUserExistenceErrors"], "ENABLED");
    let scopes: Vec<&str> = settings["AllowedOAuthScopes"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    let mut expected = vec!["openid"];
    expected.extend(http_api::auth::Scope::ALL.iter().map(|s| s.name()));
    assert_eq!(scopes, expected);
    for urls in ["CallbackURLs", "LogoutURLs"] {
        assert_eq!(
            written(&settings[urls][0]),
            "!Sub https://${ConsoleDistribution.DomainName}/",
            "{urls}"
        );
    }
    assert_eq!(settings["TokenValidityUnits"]["AccessToken"], "minutes");
    assert!(settings["AccessTokenValidity"].as_u64().unwrap() <= 60);

    let jwt = &t["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["Jwt"];
    let audience = &jwt["JwtConfiguration"]["audience"];
    let own_pool: Vec<String> = audience[1]
        .as_sequence()
        .expect("!If [CreateUserPool, [clients], JwtAudience]")
        .iter()
        .map(written)
        .collect();
    assert_eq!(
        own_pool,
        ["!Ref UserPoolClient", "!Ref ConsoleUserPoolClient"]
    );

    for output in [
        "ConsoleUrl",
        "ConsoleBucketName",
        "ConsoleDistributionId",
        "ConsoleClientId",
        "ConsoleAuthorizeUrl",
        "ConsoleTokenUrl",
    ] {
        assert!(!t["Outputs"][output]["Value"].is_null(), "output {output}");
    }
}
