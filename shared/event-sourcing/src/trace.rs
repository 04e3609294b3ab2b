//! TraceContext: carried in every stored event so any change can be followed back to its request.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::envelope::rfc3339;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceContext {
    pub trace_id: String,
    pub span_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub timestamp: String,
}

/// What a request said about its trace; every field is optional.
#[derive(Clone, Debug, Default)]
pub struct TraceHints<'a> {
    pub trace_id: Option<&'a str>,
    pub span_id: Option<&'a str>,
    pub traceparent: Option<&'a str>,
    pub xray: Option<&'a str>,
    /// API Gateway's `requestId`: the id its access log line carries.
    pub gateway_request_id: Option<&'a str>,
    pub source: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

/// A 16-hex-digit span id, as W3C trace context spells them.
pub fn new_span_id() -> String {
    Uuid::new_v4().simple().to_string()[..16].to_owned()
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

/// `00-<trace-id>-<parent-id>-<flags>` → (trace id, parent span id).
fn parse_traceparent(value: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    match parts.as_slice() {
        [version, trace, parent, flags]
            if hex(version, 2) && hex(trace, 32) && hex(parent, 16) && hex(flags, 2) =>
        {
            Some((trace.to_ascii_lowercase(), parent.to_ascii_lowercase()))
        }
        _ => None,
    }
}

/// `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → (root, parent).
fn parse_xray(value: &str) -> Option<(String, Option<String>)> {
    let mut root = None;
    let mut parent = None;
    for part in value.split(';') {
        match part.trim().split_once('=') {
            Some(("Root", v)) if !v.is_empty() => root = Some(v.to_owned()),
            Some(("Parent", v)) if !v.is_empty() => parent = Some(v.to_owned()),
            _ => {}
        }
    }
    root.map(|root| (root, parent))
}

impl TraceContext {
    /// Builds the context of a new span from what the caller sent. Precedence for the trace id:
    /// the original's `x-trace-id`, then W3C `traceparent`, then API Gateway's request id (so
    /// the access log line and the events share it), then the X-Ray root, else a new one.
    pub fn from_hints(hints: &TraceHints<'_>, now: OffsetDateTime) -> Self {
        let traceparent = hints.traceparent.and_then(parse_traceparent);
        let xray = hints.xray.and_then(parse_xray);
        let trace_id = non_empty(hints.trace_id)
            .map(str::to_owned)
            .or_else(|| traceparent.as_ref().map(|(t, _)| t.clone()))
            .or_else(|| non_empty(hints.gateway_request_id).map(str::to_owned))
            .or_else(|| xray.as_ref().map(|(root, _)| root.clone()))
            .unwrap_or_else(|| Uuid::new_v4().to_string());
        let parent_span_id = non_empty(hints.span_id)
            .map(str::to_owned)
            .or_else(|| traceparent.as_ref().map(|(_, p)| p.clone()))
            .or_else(|| xray.and_then(|(_, parent)| parent));
        Self {
            trace_id,
            span_id: new_span_id(),
            parent_span_id,
            source: non_empty(hints.source).unwrap_or("api").to_owned(),
            user_id: non_empty(hints.user_id).map(str::to_owned),
            timestamp: rfc3339(now),
        }
    }

    /// The context for work caused by this span (a subscriber's events): same trace, new span.
    pub fn child(&self, source: &str) -> Self {
        Self {
            trace_id: self.trace_id.clone(),
            span_id: new_span_id(),
            parent_span_id: Some(self.span_id.clone()),
            source: source.to_owned(),
            user_id: self.user_id.clone(),
            timestamp: self.timestamp.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-01-02 03:04:05 UTC);

    #[test]
    fn original_headers_win() {
        let hints = TraceHints {
            trace_id: Some("abc"),
            span_id: Some("span-1"),
            traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            source: Some("seed"),
            user_id: Some("u-1"),
            ..Default::default()
        };
        let trace = TraceContext::from_hints(&hints, NOW);
        assert_eq!(trace.trace_id, "abc");
        assert_eq!(trace.parent_span_id.as_deref(), Some("span-1"));
        assert_eq!(trace.source, "seed");
        assert_eq!(trace.user_id.as_deref(), Some("u-1"));
        assert_eq!(trace.timestamp, "2026-01-02T03:04:05Z");
        assert_eq!(trace.span_id.len(), 16);
    }

    #[test]
    fn w3c_traceparent_then_xray_then_generated() {
        let w3c = TraceHints {
            traceparent: Some("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01"),
            xray: Some("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8"),
            ..Default::default()
        };
        let trace = TraceContext::from_hints(&w3c, NOW);
        assert_eq!(trace.trace_id, "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(trace.parent_span_id.as_deref(), Some("b7ad6b7169203331"));

        let xray = TraceHints {
            traceparent: Some("garbage"),
            xray: Some(
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            ),
            ..Default::default()
        };
        let trace = TraceContext::from_hints(&xray, NOW);
        assert_eq!(trace.trace_id, "1-5759e988-bd862e3fe1be46a994272793");
        assert_eq!(trace.parent_span_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(trace.source, "api");

        let gateway = TraceHints {
            gateway_request_id: Some("Mc7UVioPPHcEKPA="),
            xray: Some("Root=1-5759e988-bd862e3fe1be46a994272793"),
            ..Default::default()
        };
        assert_eq!(
            TraceContext::from_hints(&gateway, NOW).trace_id,
            "Mc7UVioPPHcEKPA=",
            "the access log's request id, not the function's X-Ray root"
        );

        let none = TraceContext::from_hints(&TraceHints::default(), NOW);
        assert!(Uuid::parse_str(&none.trace_id).is_ok());
        assert_eq!(none.parent_span_id, None);
    }

    #[test]
    fn child_keeps_trace_and_points_at_parent() {
        let parent = TraceContext::from_hints(&TraceHints::default(), NOW);
        let child = parent.child("subscriber");
        assert_eq!(child.trace_id, parent.trace_id);
        assert_eq!(
            child.parent_span_id.as_deref(),
            Some(parent.span_id.as_str())
        );
        assert_ne!(child.span_id, parent.span_id);
        assert_eq!(child.source, "subscriber");
    }
}
