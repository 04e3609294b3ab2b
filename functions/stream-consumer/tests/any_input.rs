//! Property: no input can make a function panic or answer 5xx. Every route of every registry
//! gets arbitrary path segments, query strings, JSON values and raw bytes, in any order and
//! state; each answer is a success or a 4xx problem+json. Because requests run one after
//! another on one store, `decide` and `evolve` meet every state those requests reach.

use http_api::registry::Registry;
use lambda_host::testing::TestApi;
use lambda_http::http::HeaderValue;
use lambda_http::Body;
use proptest::prelude::*;
use serde_json::Value;

/// The field names the slices read, and others.
fn field() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        Just("contactId".to_owned()),
        Just("clientId".to_owned()),
        Just("caseId".to_owned()),
        Just("name".to_owned()),
        Just("email".to_owned()),
        Just("phone".to_owned()),
        Just("industry".to_owned()),
        Just("description".to_owned()),
        Just("type".to_owned()),
        Just("openedAt".to_owned()),
        Just("interactionDate".to_owned()),
        Just("closedAt".to_owned()),
        Just("resolution".to_owned()),
        "[a-zA-Z]{0,8}",
    ]
}

/// Any scalar, weighted towards what the slices' rules sit on the edge of.
fn leaf() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        1 => ".{0,40}".prop_map(Value::from),
        1 => "(k1|c1|s1|open|[a-z0-9_-]{1,8})".prop_map(Value::from),
        1 => "[a-z]{1,6}@[a-z]{1,6}\\.com".prop_map(Value::from),
        1 => "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})"
            .prop_map(Value::from),
        // The edges of what RFC 3339 can write, in and out of UTC.
        3 => "(9999-12-31T23:[0-5]9:00[+-]0[0-9]:00|000[01]-01-01T00:00:00[+-]0[0-9]:00)"
            .prop_map(Value::from),
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(field(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An object of the fields the slices read, each with any scalar: the bodies that get furthest.
fn plausible_body() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map(field(), leaf(), 0..6)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

#[derive(Clone, Debug)]
enum Payload {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        1 => Just(Payload::None),
        6 => plausible_body().prop_map(Payload::Json),
        2 => json_value().prop_map(Payload::Json),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Payload::Bytes),
    ]
}

/// A request: which route, what fills its path parameters, a query string, a body, an If-Match.
#[derive(Clone, Debug)]
struct Call {
    route: usize,
    segment: String,
    query: String,
    payload: Payload,
    if_match: Option<String>,
}

fn call() -> impl Strategy<Value = Call> {
    (
        any::<usize>(),
        "(k1|c1|s1|open|[a-zA-Z0-9_~%.-]{1,70})",
        "(|limit=[0-9-]{0,4}|cursor=.{0,20}|email=.{0,20}|clientId=.{0,10}|cascade=[a-z]{0,5})",
        payload(),
        proptest::option::of("(\"[0-9]{1,3}\"|.{0,8})"),
    )
        .prop_map(|(route, segment, query, payload, if_match)| Call {
            route,
            segment,
            query,
            payload,
            if_match,
        })
}

fn system() -> TestApi {
    TestApi::in_memory(stream_consumer::registries())
}

async fn send(api: &TestApi, routes: &[(&'static str, &'static str)], call: &Call) {
    let Some((method, pattern)) = routes.get(call.route % routes.len()) else {
        return;
    };
    let path: String = pattern
        .split('/')
        .map(|part| {
            if part.starts_with('{') {
                call.segment.as_str()
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let uri = if call.query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{}", call.query)
    };
    let body = match &call.payload {
        Payload::None => Body::Empty,
        Payload::Json(value) => Body::from(value.to_string()),
        Payload::Bytes(bytes) => Body::from(bytes.clone()),
    };
    let mut builder = lambda_http::http::Request::builder()
        .method(*method)
        .uri(format!("https://api.example.com{uri}"))
        .header("content-type", "application/json");
    if let Some(tag) = call
        .if_match
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        builder = builder.header("if-match", tag);
    }
    let Ok(request) = builder.body(body) else {
        return;
    };
    let response = api.send(request).await;
    let status = response.status().as_u16();
    assert!(
        status < 500,
        "{method} {uri} {call:?} answered {status}: {:?}",
        response.body()
    );
    if status >= 400 {
        http_api::testing::assert_problem(&response, status);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_requests_panics_or_answers_5xx(calls in proptest::collection::vec(call(), 1..24)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let api = system();
            let routes: Vec<(&'static str, &'static str)> = Registry::merge(stream_consumer::registries())
                .slices
                .iter()
                .flat_map(|slice| slice.routes.clone())
                .collect();
            for call in &calls {
                send(&api, &routes, call).await;
            }
        });
    }
}
