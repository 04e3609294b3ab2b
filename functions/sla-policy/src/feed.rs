//! The SLA policy's one event in the public feed, whole: targets and business hours are
//! configuration, nobody's data.

use contracts::feed::{Feed, Publication};
use contracts::sla_stream::SlaPolicyEvent;
use serde_json::json;

pub fn feed() -> Feed {
    Feed::of(contracts::streams::SLA_POLICY, publication)
}

fn publication(event: &SlaPolicyEvent) -> Publication {
    match event {
        SlaPolicyEvent::SlaPolicySet(policy) => Publication::public("set", json!(policy)),
    }
}
