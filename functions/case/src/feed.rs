//! The case's events in the public feed: ids, statuses, priorities, assignees, dates and SLA
//! breaches. Descriptions, resolutions and interaction text are free text: never published.

use contracts::feed::{changed, instant, Feed, Publication};
use serde_json::json;

use crate::case::CaseEvent;

pub fn feed() -> Feed {
    Feed::of(contracts::streams::CASE, publication)
}

fn publication(event: &CaseEvent) -> Publication {
    match event {
        CaseEvent::CaseCreated(e) => Publication::public(
            "created",
            json!({ "caseId": e.case_id, "clientId": e.client_id, "openedAt": instant(e.opened_at),
                "priority": e.priority, "assigneeId": e.assignee_id, "origin": e.origin }),
        ),
        CaseEvent::InteractionAdded(e) => Publication::public(
            "interaction-added",
            json!({ "caseId": e.case_id, "interactionId": e.interaction_id, "type": e.kind,
                "direction": e.direction, "interactionDate": instant(e.interaction_date),
                "contactId": e.contact_id }),
        ),
        CaseEvent::CaseStatusChanged(e) => Publication::public(
            "status-changed",
            json!({ "caseId": e.case_id, "status": e.status, "previousStatus": e.previous_status,
                "at": instant(e.at) }),
        ),
        CaseEvent::CaseClosed(e) => Publication::public(
            "closed",
            json!({ "caseId": e.case_id, "closedAt": instant(e.closed_at) }),
        ),
        CaseEvent::CaseDescriptionChanged(e) => Publication::public(
            "edited",
            json!({ "caseId": e.case_id, "changedFields": changed(&[("description", true)]) }),
        ),
        CaseEvent::CasePriorityChanged(e) => Publication::public(
            "priority-changed",
            json!({ "caseId": e.case_id, "priority": e.priority,
                "previousPriority": e.previous_priority, "at": instant(e.at) }),
        ),
        CaseEvent::CaseAssigned(e) => Publication::public(
            "assigned",
            json!({ "caseId": e.case_id, "assigneeId": e.assignee_id,
                "previousAssigneeId": e.previous_assignee_id }),
        ),
        CaseEvent::SlaBreached(e) => Publication::public(
            "sla-breached",
            json!({ "caseId": e.case_id, "metric": e.metric, "dueAt": instant(e.due_at) }),
        ),
        CaseEvent::TaskAttached(_) => {
            Publication::Withheld("the task publishes its targets (task.created)")
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::fixtures::{opened, OPENED_AT};

    /// A case stored before the workflow (schema v1: no priority, assignee, origin or terms)
    /// is published in today's public form: the mapping reads events upcast.
    #[test]
    fn a_case_stored_in_the_old_shape_is_published_in_the_current_public_form() {
        let mut stored = event_sourcing::testing::recorded("case", "s1", 1, &opened(), OPENED_AT);
        stored.schema_version = 1;
        stored.payload = json!({ "caseId": "s1", "clientId": "k1",
            "description": "Printer on fire", "openedAt": "2026-01-01T09:00:00Z" });
        let Publication::Public { name, data, .. } = feed().publication(&stored).unwrap() else {
            panic!("a case's creation is public");
        };
        assert_eq!(name, "created");
        assert_eq!(
            data,
            json!({ "caseId": "s1", "clientId": "k1", "openedAt": "2026-01-01T09:00:00Z",
                "priority": "normal", "assigneeId": null, "origin": null })
        );
    }
}
