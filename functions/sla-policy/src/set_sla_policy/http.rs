use std::collections::BTreeMap;

use contracts::business_time;
use contracts::sla_stream::{
    BusinessHours, Priority, SlaPolicy, SlaPolicyRecord, Targets, DAYS, POLICY_ID,
};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{expected_version, json_object, Fields, Problem};
use lambda_http::{Body, Request, Response};
use serde_json::Value;

use super::decide;
use crate::representation::policy_response;

pub fn slice() -> Slice {
    Slice::new("set-sla-policy", Access::ReadAndAppend, handle)
        .route("PUT", "/api/sla-policy")
        .admin()
}

/// At most a year, in minutes.
const MAX_MINUTES: i64 = 525_600;

fn targets(fields: &mut Fields<'_>) -> Targets {
    let minutes = |fields: &mut Fields<'_>, name: &'static str| {
        fields
            .required_integer(name, 1..=MAX_MINUTES)
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(1)
    };
    Targets {
        first_response_minutes: minutes(fields, "firstResponseMinutes"),
        resolution_minutes: minutes(fields, "resolutionMinutes"),
    }
}

/// `{targets: {urgent, high, normal, low: {firstResponseMinutes, resolutionMinutes}},
/// businessHours: null | {timezone, days: {"mon": ["09:00", "17:00"], ...}}}`: every priority,
/// every field.
pub fn parse(request: &Request) -> Result<SlaPolicy, Problem> {
    let body = json_object(request)?;
    let mut fields = Fields::new(&body);
    let targets = fields.required_object("targets", |by_priority| {
        Priority::ALL
            .into_iter()
            .filter_map(|priority| {
                let read = by_priority.required_object(priority.name(), targets);
                read.map(|targets| (priority, targets))
            })
            .collect::<BTreeMap<Priority, Targets>>()
    });
    let business_hours = match fields.raw("businessHours") {
        None => {
            fields.error("businessHours", "is required (null: calendar time)");
            None
        }
        Some(Value::Null) => None,
        Some(value) => match serde_json::from_value::<BusinessHours>(value.clone()) {
            Ok(hours) => match business_time::check(&hours) {
                Ok(()) => Some(hours),
                Err(reason) => {
                    fields.error("businessHours", reason);
                    None
                }
            },
            Err(_) => {
                fields.error(
                    "businessHours",
                    format!(
                        "must be {{timezone, days}}: an IANA time zone and, for each open day of {}, [\"09:00\", \"17:00\"]",
                        DAYS.join(", ")
                    ),
                );
                None
            }
        },
    };
    fields.finish()?;
    let targets = targets.ok_or_else(|| Problem::bad_request("the targets could not be read"))?;
    Ok(SlaPolicy {
        targets,
        business_hours,
    })
}

pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let policy = parse(&request)?;
    let expected = expected_version(&request)?;
    let outcome = invocation
        .execute::<SlaPolicyRecord, _>(POLICY_ID, expected, |state| decide(state, policy))
        .await?;
    policy_response(&outcome.state.0, outcome.version)
}
