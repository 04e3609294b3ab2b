//! On Lambda, logs are JSON lines, and every line written while a request is served names its
//! trace id and Lambda request id.

use std::sync::Arc;

use event_sourcing::store::InMemoryEventStore;
use event_sourcing::{Subscribers, WriteMode};
use http_api::auth::Scope;
use http_api::testing::request;
use lambda_host::testing::LogBuffer;
use lambda_host::{dispatch, json_logs, App};
use lambda_http::RequestExt;

/// The tests of this file run one at a time: a log callsite first reached on a thread without a
/// subscriber, while another thread installs its own, can cache "not interested" and drop lines.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn every_line_of_a_request_carries_its_trace_and_request_ids() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let buffer = LogBuffer::default();
    let _guard = tracing::subscriber::set_default(json_logs("info", buffer.clone()));
    let app = App::new(
        Arc::new(InMemoryEventStore::new()),
        Subscribers::new(),
        WriteMode::Direct,
    );
    let mut context = lambda_http::Context::default();
    context.request_id = "req-42".into();
    let mut request = request("GET", "/api/things/1", None, &[]).with_lambda_context(context);
    request
        .headers_mut()
        .insert("x-trace-id", "trace-42".parse().unwrap());
    let response = dispatch(&app, Scope::Write, request, |_, _| async {
        tracing::info!(detail = "work", "handler ran");
        Err::<lambda_http::Response<lambda_http::Body>, _>(http_api::Problem::not_found(
            "nothing here",
        ))
    })
    .await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-trace-id"], "trace-42");

    let text = buffer.text();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(lines.len() >= 2, "{text}");
    for line in &lines {
        assert_eq!(line["span"]["trace_id"], "trace-42", "{line}");
        assert_eq!(line["span"]["request_id"], "req-42", "{line}");
    }
    assert!(lines
        .iter()
        .any(|l| l["fields"]["message"] == "handler ran"));
    assert!(lines.iter().any(|l| l["fields"]["status"] == 404));
}

#[tokio::test]
async fn a_jwt_subject_wins_over_the_user_header() {
    let _serial = ONE_AT_A_TIME.lock().await;
    use lambda_http::aws_lambda_events::apigw::{
        ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription,
        ApiGatewayV2httpRequestContext,
    };
    let store = Arc::new(InMemoryEventStore::new());
    let app = App::new(store.clone(), Subscribers::new(), WriteMode::Direct)
        .with_auth(http_api::auth::Auth::Gateway);
    let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
    jwt.claims.insert("sub".into(), "verified-user".into());
    jwt.claims.insert("scope".into(), "crm/write".into());
    let mut authorizer = ApiGatewayRequestAuthorizer::default();
    authorizer.jwt = Some(jwt);
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.authorizer = Some(authorizer);
    let mut request = request("POST", "/api/things", Some("{}"), &[])
        .with_request_context(lambda_http::request::RequestContext::ApiGatewayV2(context));
    request
        .headers_mut()
        .insert("x-user-id", "forged".parse().unwrap());
    let response = dispatch(&app, Scope::Write, request, |invocation, _| async move {
        http_api::json_response(
            lambda_http::http::StatusCode::OK,
            &serde_json::json!({ "user": invocation.trace.user_id }),
        )
    })
    .await;
    assert_eq!(
        http_api::testing::body_json(&response)["user"],
        "verified-user"
    );
}
