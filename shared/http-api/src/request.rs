//! Reading a request: JSON bodies, fields, path ids, `If-Match`, trace headers.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Request, RequestExt};
use serde_json::{Map, Value};

use event_sourcing::trace::TraceHints;
use event_sourcing::{AsOf, Expected, Patch};

use crate::problem::{FieldError, Problem};
use crate::validate;

/// Commands are small; anything bigger is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The body as a JSON object, or the problem that says why it is not one.
pub fn json_object(request: &Request) -> Result<Map<String, Value>, Problem> {
    if let Some(content_type) = request.headers().get(header::CONTENT_TYPE) {
        let media = content_type
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != "application/json" && !media.ends_with("+json") {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("content-type must be application/json, not '{media}'"),
            ));
        }
    }
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is {} bytes; at most {MAX_BODY_BYTES} are accepted",
                bytes.len()
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::bad_request("a JSON object body is required"));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(Problem::bad_request("the body must be a JSON object")),
        Err(e) => Err(Problem::bad_request(format!(
            "the body is not valid JSON: {e}"
        ))),
    }
}

/// Like [`json_object`], but an empty body reads as `{}` (for commands whose fields all have
/// defaults, such as closing a case).
pub fn json_object_or_empty(request: &Request) -> Result<Map<String, Value>, Problem> {
    let empty = match request.body() {
        Body::Empty => true,
        Body::Text(text) => text.trim().is_empty(),
        Body::Binary(bytes) => bytes.iter().all(u8::is_ascii_whitespace),
        _ => true,
    };
    if empty {
        Ok(Map::new())
    } else {
        json_object(request)
    }
}

/// Reads fields of a JSON object, collecting every error instead of stopping at the first.
pub struct Fields<'a> {
    object: &'a Map<String, Value>,
    /// The JSON pointer of `object` in the body: empty at the top, `/stages/2` in an array.
    at: String,
    read: Vec<&'static str>,
    errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(object: &'a Map<String, Value>) -> Self {
        Self {
            object,
            at: String::new(),
            read: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Whether the body gives the field a value (null is none).
    pub fn present(&self, field: &str) -> bool {
        self.object.get(field).is_some_and(|v| !v.is_null())
    }

    pub fn error(&mut self, field: &str, detail: impl Into<String>) {
        self.errors.push(FieldError {
            pointer: format!("{}/{field}", self.at),
            detail: detail.into(),
        });
    }

    /// An optional integer within `range`.
    pub fn optional_integer(
        &mut self,
        field: &'static str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        self.read.push(field);
        match self.object.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(number)) => match number.as_i64() {
                Some(value) if range.contains(&value) => Some(value),
                _ => {
                    let (min, max) = (range.start(), range.end());
                    self.error(field, format!("must be a whole number from {min} to {max}"));
                    None
                }
            },
            Some(other) => {
                self.error(field, format!("must be a number, not {}", json_type(other)));
                None
            }
        }
    }

    pub fn required_integer(
        &mut self,
        field: &'static str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        let present = self.object.get(field).is_some_and(|v| !v.is_null());
        let value = self.optional_integer(field, range);
        if !present {
            self.error(field, "is required");
        }
        value
    }

    /// A required array of `min..=max` objects, each read by `read` with its own `Fields`
    /// (errors point into the array: `/stages/2/label`). `None` when the array itself is
    /// missing or malformed; an element with errors reads as `None`.
    pub fn required_objects<T>(
        &mut self,
        field: &'static str,
        count: std::ops::RangeInclusive<usize>,
        mut read: impl FnMut(&mut Fields<'_>) -> T,
    ) -> Option<Vec<Option<T>>> {
        self.read.push(field);
        let elements = match self.object.get(field) {
            None | Some(Value::Null) => {
                self.error(field, "is required");
                return None;
            }
            Some(Value::Array(elements)) => elements,
            Some(other) => {
                self.error(field, format!("must be an array, not {}", json_type(other)));
                return None;
            }
        };
        if !count.contains(&elements.len()) {
            let (min, max) = (count.start(), count.end());
            self.error(field, format!("must hold from {min} to {max} items"));
            return None;
        }
        let mut values = Vec::with_capacity(elements.len());
        for (index, element) in elements.iter().enumerate() {
            let Value::Object(object) = element else {
                let kind = json_type(element);
                self.error(
                    &format!("{field}/{index}"),
                    format!("must be an object, not {kind}"),
                );
                values.push(None);
                continue;
            };
            let mut element_fields = Fields {
                at: format!("{}/{field}/{index}", self.at),
                ..Fields::new(object)
            };
            let value = read(&mut element_fields);
            let errors = element_fields.into_errors();
            values.push(errors.is_empty().then_some(value));
            self.errors.extend(errors);
        }
        Some(values)
    }

    /// A required object, read by `read` with its own `Fields` (errors point into it:
    /// `/targets/urgent/resolutionMinutes`); `None` when missing, malformed or in error.
    pub fn required_object<T>(
        &mut self,
        field: &'static str,
        read: impl FnOnce(&mut Fields<'_>) -> T,
    ) -> Option<T> {
        self.read.push(field);
        let object = match self.object.get(field) {
            None | Some(Value::Null) => {
                self.error(field, "is required");
                return None;
            }
            Some(Value::Object(object)) => object,
            Some(other) => {
                self.error(
                    field,
                    format!("must be an object, not {}", json_type(other)),
                );
                return None;
            }
        };
        let mut inner = Fields {
            at: format!("{}/{field}", self.at),
            ..Fields::new(object)
        };
        let value = read(&mut inner);
        let errors = inner.into_errors();
        let ok = errors.is_empty();
        self.errors.extend(errors);
        ok.then_some(value)
    }

    /// The field's JSON as sent, for a shape read elsewhere (`None`: absent).
    pub fn raw(&mut self, field: &'static str) -> Option<&'a Value> {
        self.read.push(field);
        self.object.get(field)
    }

    /// [`Self::required_objects`] where the array may be left out (or null): none then.
    pub fn optional_objects<T>(
        &mut self,
        field: &'static str,
        count: std::ops::RangeInclusive<usize>,
        read: impl FnMut(&mut Fields<'_>) -> T,
    ) -> Option<Vec<Option<T>>> {
        if self.present(field) {
            self.required_objects(field, count, read)
        } else {
            self.read.push(field);
            None
        }
    }

    /// Every error found, including fields the command does not know.
    fn into_errors(mut self) -> Vec<FieldError> {
        let unknown: Vec<String> = self
            .object
            .keys()
            .filter(|key| !self.read.contains(&key.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            self.error(&key, "is not a known field");
        }
        self.errors
    }

    /// A string field checked by `rule`, trimmed.
    pub fn string(
        &mut self,
        field: &'static str,
        rule: impl Fn(&str) -> Result<(), String>,
    ) -> Patch<String> {
        self.read.push(field);
        match self.object.get(field) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(value)) => match rule(value) {
                Ok(()) => Patch::Value(value.trim().to_owned()),
                Err(message) => {
                    self.error(field, message);
                    Patch::Absent
                }
            },
            Some(other) => {
                self.error(field, format!("must be a string, not {}", json_type(other)));
                Patch::Absent
            }
        }
    }

    pub fn required_string(
        &mut self,
        field: &'static str,
        rule: impl Fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        let present = self.object.get(field).is_some_and(|v| !v.is_null());
        let value = self.string(field, rule);
        if !present {
            self.error(field, "is required");
        }
        value.into_option()
    }

    pub fn optional_string(
        &mut self,
        field: &'static str,
        rule: impl Fn(&str) -> Result<(), String>,
    ) -> Option<String> {
        self.string(field, rule).into_option()
    }

    /// An optional RFC 3339 timestamp, in UTC: stored times all read alike.
    pub fn optional_timestamp(&mut self, field: &'static str) -> Option<time::OffsetDateTime> {
        self.optional_string(field, validate::rfc3339)
            .and_then(|value| validate::parse_rfc3339(&value).ok())
    }

    /// An id field that defaults to the caller's user id when left out (an owner, an
    /// assignee): the caller's id must then be one lists can filter by, or the field is needed.
    pub fn id_or_caller(&mut self, field: &'static str, caller: Option<&str>) -> Option<String> {
        if self.present(field) {
            return self.optional_string(field, validate::id);
        }
        match caller.filter(|id| validate::id(id).is_ok()) {
            Some(caller) => Some(caller.to_owned()),
            None => {
                self.error(
                    field,
                    "is required when the caller has no id of letters, digits, '-' and '_'",
                );
                None
            }
        }
    }

    /// Flags each item of a list whose `key` repeats an earlier item's, at `pointer(index)`.
    pub fn no_repeats<T, K: PartialEq>(
        &mut self,
        items: &[T],
        key: impl Fn(&T) -> K,
        pointer: impl Fn(usize) -> String,
        detail: &str,
    ) {
        for (index, item) in items.iter().enumerate() {
            if items
                .iter()
                .take(index)
                .any(|earlier| key(earlier) == key(item))
            {
                self.error(&pointer(index), detail);
            }
        }
    }

    /// An optional calendar date (`2027-03-31`).
    pub fn optional_date(&mut self, field: &'static str) -> Option<time::Date> {
        self.optional_string(field, validate::date)
            .and_then(|value| validate::parse_date(&value).ok())
    }

    /// An optional string that must be one of `choices`.
    pub fn optional_choice(
        &mut self,
        field: &'static str,
        choices: &'static [&'static str],
    ) -> Option<String> {
        self.optional_string(field, |value| {
            if choices.contains(&value.trim()) {
                Ok(())
            } else {
                Err(format!("must be one of {}", choices.join(", ")))
            }
        })
    }

    /// Fails with every error found, including fields the command does not know.
    pub fn finish(self) -> Result<(), Problem> {
        let errors = self.into_errors();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Problem::invalid_fields(errors))
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A validated id from the path.
pub fn path_id(request: &Request, name: &str) -> Result<String, Problem> {
    let params = request.path_parameters();
    let value = params
        .first(name)
        .ok_or_else(|| Problem::bad_request(format!("the path has no '{name}'")))?;
    validate::id(value).map_err(|message| {
        Problem::bad_request(format!("'{value}' is not a valid {name}: it {message}"))
    })?;
    Ok(value.to_owned())
}

/// `?name=true|false`, absent means false.
pub fn query_flag(request: &Request, name: &str) -> Result<bool, Problem> {
    match request.query_string_parameters().first(name) {
        None => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some("false") | Some("0") => Ok(false),
        Some(other) => Err(Problem::bad_request(format!(
            "query parameter '{name}' must be true or false, not '{other}'"
        ))),
    }
}

/// `If-Match` against our ETags (`"<version>"`): absent or `*` accepts any version.
pub fn expected_version(request: &Request) -> Result<Expected, Problem> {
    let Some(value) = request.headers().get(header::IF_MATCH) else {
        return Ok(Expected::Any);
    };
    let value = value.to_str().unwrap_or("").trim();
    if value == "*" {
        return Ok(Expected::Any);
    }
    let tag = value.strip_prefix("W/").unwrap_or(value);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<u64>().ok())
        .map(Expected::Version)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::PRECONDITION_FAILED,
                format!("If-Match {value} does not match any version (ETags look like \"3\")"),
            )
        })
}

/// What the request says about its trace: the original's headers, W3C, and X-Ray.
/// What the request's headers say about its trace. Who the caller is, is not for headers to
/// say where a token is verified: see [`crate::auth`].
pub fn trace_hints_of(request: &Request) -> TraceHints<'_> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let xray = request
        .lambda_context_ref()
        .and_then(|context| context.xray_trace_id.as_deref())
        .or_else(|| header("x-amzn-trace-id"));
    TraceHints {
        trace_id: header("x-trace-id"),
        span_id: header("x-span-id"),
        traceparent: header("traceparent"),
        xray,
        gateway_request_id: match request.request_context_ref() {
            Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => {
                context.request_id.as_deref()
            }
            _ => None,
        },
        source: header("x-source"),
        user_id: header("x-user-id"),
    }
}

/// `?limit=` (1 to 100, default 20) and `?cursor=` of a paginated query.
pub fn page_params(request: &Request) -> Result<(usize, Option<String>), Problem> {
    use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT};
    let query = request.query_string_parameters();
    let limit = match query.first("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(Problem::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}, not '{text}'"
                )))
            }
        },
    };
    let cursor = query
        .first("cursor")
        .map(str::to_owned)
        .filter(|c| !c.is_empty());
    Ok((limit, cursor))
}

/// Trace headers are stored with every event, so they are held to plain, short tokens.
pub fn check_trace_hints(hints: &TraceHints<'_>) -> Result<(), Problem> {
    const PLAIN: &str = "letters, digits, '-', '_', '.' and ':'";
    let rules = [
        ("x-trace-id", hints.trace_id, 128, ""),
        ("x-span-id", hints.span_id, 128, ""),
        ("x-source", hints.source, 64, "/"),
        ("x-user-id", hints.user_id, 128, "@"),
    ];
    let also = |extra: &str| match extra {
        "" => String::new(),
        extra => format!(" (and '{extra}')"),
    };
    let errors: Vec<FieldError> = rules
        .into_iter()
        .filter_map(|(header, value, max, extra)| {
            let value = value?.trim();
            let valid = value.len() <= max
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c) || extra.contains(c));
            (!value.is_empty() && !valid).then(|| FieldError {
                pointer: format!("header:{header}"),
                detail: format!("must be up to {max} of {PLAIN}{}", also(extra)),
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid_fields(errors))
    }
}

/// `?version=N` or `?asOf=<RFC 3339>`: which point of a record's past to read (neither: now).
pub fn as_of(request: &Request) -> Result<Option<AsOf>, Problem> {
    let query = request.query_string_parameters();
    match (query.first("version"), query.first("asOf")) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(Problem::bad_request("give version or asOf, not both")),
        (Some(text), None) => match text.parse::<u64>() {
            Ok(version) if version >= 1 => Ok(Some(AsOf::Version(version))),
            _ => Err(Problem::invalid_fields(vec![FieldError {
                pointer: "query:version".into(),
                detail: format!("must be a version, a whole number from 1, not '{text}'"),
            }])),
        },
        (None, Some(text)) => validate::parse_rfc3339(text)
            .map(|at| Some(AsOf::Instant(at)))
            .map_err(|detail| {
                Problem::invalid_fields(vec![FieldError {
                    pointer: "query:asOf".into(),
                    detail,
                }])
            }),
    }
}
