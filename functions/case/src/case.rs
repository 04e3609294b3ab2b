//! Case state and `evolve` (the original's project-case).

use event_sourcing::personal::PersonalData;
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind, StreamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::add_interaction::InteractionAdded;
use crate::change_case_status::CaseStatusChanged;
use crate::close_case::CaseClosed;
use crate::create_case::CaseCreated;
use crate::edit_case::{CaseAssigned, CaseDescriptionChanged, CasePriorityChanged};
use crate::record_sla_breaches::SlaBreached;
use crate::sla::{Clocks, RecordedBreach};

pub use contracts::sla_stream::Priority;

/// Where a case stands in its workflow.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    #[default]
    Open,
    /// Waiting on the customer: the resolution clock is paused.
    Pending,
    /// Waiting on a third party: the resolution clock is paused.
    OnHold,
    Solved,
    /// Final.
    Closed,
}

impl CaseStatus {
    /// The statuses `POST /api/cases/{id}/status` sets (closing has its own route).
    pub const SETTABLE: &'static [&'static str] = &["open", "pending", "on_hold", "solved"];

    pub fn name(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Pending => "pending",
            CaseStatus::OnHold => "on_hold",
            CaseStatus::Solved => "solved",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            CaseStatus::Open,
            CaseStatus::Pending,
            CaseStatus::OnHold,
            CaseStatus::Solved,
            CaseStatus::Closed,
        ]
        .into_iter()
        .find(|status| status.name() == name)
    }

    /// In the open queue: someone still has work on it.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            CaseStatus::Open | CaseStatus::Pending | CaseStatus::OnHold
        )
    }
}

/// How the case reached the team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Phone,
    Email,
    Web,
    Chat,
    Other,
}

impl Origin {
    pub const NAMES: &'static [&'static str] = &["phone", "email", "web", "chat", "other"];

    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }
}

/// Who an interaction was between: from the customer, to the customer, or within the team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
}

impl Direction {
    pub const NAMES: &'static [&'static str] = &["inbound", "outbound", "internal"];

    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    /// A note is internal; a call, an email or a meeting is with the customer, outbound.
    pub fn default_for(kind: InteractionType) -> Self {
        match kind {
            InteractionType::Note => Direction::Internal,
            InteractionType::Call | InteractionType::Email | InteractionType::Meeting => {
                Direction::Outbound
            }
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InteractionType {
    #[default]
    Note,
    Call,
    Email,
    Meeting,
}

impl InteractionType {
    pub const NAMES: &'static [&'static str] = &["note", "call", "email", "meeting"];

    pub fn parse(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interaction {
    pub interaction_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub interaction_date: OffsetDateTime,
    #[serde(rename = "type")]
    pub kind: InteractionType,
    pub direction: Direction,
    pub contact_id: Option<String>,
}

impl From<&InteractionAdded> for Interaction {
    fn from(added: &InteractionAdded) -> Self {
        Interaction {
            interaction_id: added.interaction_id.clone(),
            description: added.description.clone(),
            interaction_date: added.interaction_date,
            kind: added.kind,
            direction: added.direction,
            contact_id: added.contact_id.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetails {
    pub case_id: String,
    pub client_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub resolution: Option<String>,
    /// The latest [`LATEST_INTERACTIONS`], in the order they were added: a case's state and
    /// answers stay the same size however long it runs (the case's history route pages
    /// through all of them).
    pub interactions: Vec<Interaction>,
    /// How many interactions the case has, all told.
    #[serde(default)]
    pub interaction_count: u64,
    pub priority: Priority,
    pub assignee_id: Option<String>,
    pub origin: Option<Origin>,
    pub status: CaseStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub solved_at: Option<OffsetDateTime>,
    pub reopen_count: u32,
    pub clocks: Clocks,
    /// The breaches recorded on the case (by record-sla-breaches), each by its clock's due
    /// instant: a clock is recorded as breached once per due instant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recorded_breaches: Vec<RecordedBreach>,
    /// The latest business time recorded on the case: a status change is not before it.
    #[serde(with = "time::serde::rfc3339")]
    pub latest_at: OffsetDateTime,
}

impl CaseDetails {
    /// One step of a read model that keeps the case as its aggregate folds it, without its
    /// interactions (their text may be a person's data; the clocks keep what they need).
    pub fn fold_for_view(view: Option<CaseDetails>, event: &CaseEvent) -> Option<CaseDetails> {
        let state = view.map_or(Case::NotCreated, |case| match case.status {
            CaseStatus::Closed => Case::Closed(case),
            _ => Case::Open(case),
        });
        match state.evolve(event) {
            Case::Open(mut case) | Case::Closed(mut case) => {
                case.interactions.clear();
                Some(case)
            }
            Case::NotCreated => None,
        }
    }

    fn record_time(&mut self, at: OffsetDateTime) {
        self.latest_at = self.latest_at.max(at);
    }

    fn enter(&mut self, status: CaseStatus, at: OffsetDateTime) {
        if status == CaseStatus::Open && self.status != CaseStatus::Open {
            self.reopen_count += 1;
        }
        self.solved_at = match status {
            CaseStatus::Solved => Some(at),
            CaseStatus::Closed => self.solved_at,
            _ => None,
        };
        self.status = status;
        self.clocks.entered(status, at);
        self.record_time(at);
    }
}

/// How many of a case's interactions its state keeps and its answers show.
pub const LATEST_INTERACTIONS: usize = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Case {
    #[default]
    NotCreated,
    Open(CaseDetails),
    Closed(CaseDetails),
}

impl Case {
    /// The case, open or closed, or `NotFound`.
    pub fn existing(&self, id: &str) -> Result<&CaseDetails, CaseError> {
        match self {
            Case::Open(details) | Case::Closed(details) => Ok(details),
            Case::NotCreated => Err(CaseError::NotFound(id.to_owned())),
        }
    }

    /// The case if it is still open.
    pub fn open(&self, id: &str) -> Result<&CaseDetails, CaseError> {
        match self {
            Case::Open(details) => Ok(details),
            Case::Closed(_) => Err(CaseError::Closed(id.to_owned())),
            Case::NotCreated => Err(CaseError::NotFound(id.to_owned())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum CaseEvent {
    CaseCreated(CaseCreated),
    InteractionAdded(InteractionAdded),
    CaseClosed(CaseClosed),
    TaskAttached(contracts::task_stream::TaskMention),
    CaseStatusChanged(CaseStatusChanged),
    CaseDescriptionChanged(CaseDescriptionChanged),
    CasePriorityChanged(CasePriorityChanged),
    CaseAssigned(CaseAssigned),
    SlaBreached(SlaBreached),
}

impl DomainEvent for CaseEvent {
    /// v2: a case has a priority, an assignee, an origin and SLA terms; an interaction has a
    /// direction.
    const SCHEMA_VERSION: u32 = 2;

    /// Brings v1 payloads (written before the workflow existed) to v2: a case of normal
    /// priority, unassigned, of no known origin, on the default terms of a normal case in
    /// calendar time (no policy existed when it was recorded); an interaction's direction
    /// as a new one's defaults.
    fn upgrade(
        event_type: &str,
        schema_version: u32,
        payload: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Error> {
        let serde_json::Value::Object(mut fields) = payload else {
            return Ok(payload);
        };
        if schema_version < 2 {
            match event_type {
                "CaseCreated" => {
                    let terms = contracts::sla_stream::SlaPolicy::default().terms(Priority::Normal);
                    fields.insert("priority".into(), "normal".into());
                    fields.insert("assigneeId".into(), serde_json::Value::Null);
                    fields.insert("origin".into(), serde_json::Value::Null);
                    fields.insert("sla".into(), serde_json::to_value(terms)?);
                }
                "InteractionAdded" => {
                    let kind = fields
                        .get("type")
                        .and_then(serde_json::Value::as_str)
                        .and_then(InteractionType::parse)
                        .unwrap_or_default();
                    fields.insert(
                        "direction".into(),
                        serde_json::to_value(Direction::default_for(kind))?,
                    );
                }
                _ => {}
            }
        }
        Ok(serde_json::Value::Object(fields))
    }

    /// An interaction's text is the data of the contact it names: erasing them erases it.
    fn personal_data(&self) -> Option<PersonalData> {
        match self {
            CaseEvent::InteractionAdded(added) => added.contact_id.as_deref().map(|id| {
                PersonalData::of(
                    StreamId::new(contracts::streams::CONTACT, id),
                    INTERACTION_PERSONAL_FIELDS,
                )
            }),
            _ => None,
        }
    }
}

/// The fields of an interaction naming a contact that are that person's data.
pub const INTERACTION_PERSONAL_FIELDS: &[&str] = &["description"];

impl Aggregate for Case {
    const TYPE: &'static str = contracts::streams::CASE;
    /// 2: the workflow, assignee, priority and SLA clocks.
    const SNAPSHOT_SHAPE: Option<u32> = Some(2);
    type Event = CaseEvent;

    /// Every event is named: a new event does not compile until it is decided here. Events
    /// that never follow the state they meet (an interaction on a closed case) leave it as it is.
    fn evolve(self, event: &CaseEvent) -> Self {
        if let CaseEvent::CaseCreated(created) = event {
            return Case::Open(CaseDetails {
                case_id: created.case_id.clone(),
                client_id: created.client_id.clone(),
                description: created.description.clone(),
                opened_at: created.opened_at,
                closed_at: None,
                resolution: None,
                interactions: Vec::new(),
                interaction_count: 0,
                priority: created.priority,
                assignee_id: created.assignee_id.clone(),
                origin: created.origin,
                status: CaseStatus::Open,
                solved_at: None,
                reopen_count: 0,
                clocks: Clocks::new(created.sla.clone(), created.opened_at),
                recorded_breaches: Vec::new(),
                latest_at: created.opened_at,
            });
        }
        // Events that never follow the state they meet (an interaction on a closed case)
        // leave it as it is.
        let Case::Open(mut details) = self else {
            return self;
        };
        match event {
            CaseEvent::CaseCreated(_) | CaseEvent::TaskAttached(_) => {}
            CaseEvent::InteractionAdded(added) => {
                if details.interactions.len() >= LATEST_INTERACTIONS {
                    details.interactions.remove(0);
                }
                details.interaction_count += 1;
                details.interactions.push(Interaction::from(added));
                if added.direction == Direction::Outbound {
                    details.clocks.responded(added.interaction_date);
                }
                details.record_time(added.interaction_date);
            }
            CaseEvent::CaseStatusChanged(changed) => {
                details.enter(changed.status, changed.at);
                if changed.status == CaseStatus::Solved {
                    details.resolution.clone_from(&changed.resolution);
                }
            }
            CaseEvent::CaseDescriptionChanged(changed) => {
                details.description.clone_from(&changed.description);
            }
            CaseEvent::CasePriorityChanged(changed) => {
                details.priority = changed.priority;
                details.clocks.terms = changed.sla.clone();
            }
            CaseEvent::CaseAssigned(assigned) => {
                details.assignee_id.clone_from(&assigned.assignee_id);
            }
            CaseEvent::SlaBreached(breached) => {
                details.recorded_breaches.push(RecordedBreach {
                    metric: breached.metric,
                    due_at: breached.due_at,
                });
            }
            CaseEvent::CaseClosed(closed) => {
                details.enter(CaseStatus::Closed, closed.closed_at);
                details.closed_at = Some(closed.closed_at);
                details.resolution.clone_from(&closed.resolution);
                return Case::Closed(details);
            }
        }
        Case::Open(details)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("case {0} does not exist")]
    NotFound(String),
    #[error("case {0} already exists")]
    AlreadyExists(String),
    #[error("case {0} is closed")]
    Closed(String),
    #[error("client {0} does not exist; a case needs an existing client")]
    UnknownClient(String),
    #[error("{what} ({at}) cannot precede the case's opening ({opened_at})")]
    BeforeOpening {
        what: &'static str,
        at: String,
        opened_at: String,
    },
    #[error("at ({at}) cannot precede the latest time recorded on the case ({latest})")]
    BeforeLatest { at: String, latest: String },
    #[error("the case is already {0}")]
    SameStatus(&'static str),
    #[error("a case is solved by someone: assign it first")]
    Unassigned,
}

impl DomainError for CaseError {
    fn kind(&self) -> ErrorKind {
        match self {
            CaseError::NotFound(_) => ErrorKind::NotFound,
            CaseError::AlreadyExists(_) | CaseError::Closed(_) | CaseError::SameStatus(_) => {
                ErrorKind::Conflict
            }
            CaseError::UnknownClient(_)
            | CaseError::BeforeOpening { .. }
            | CaseError::BeforeLatest { .. }
            | CaseError::Unassigned => ErrorKind::Unprocessable,
        }
    }
}

/// Refuses a business time earlier than the latest one recorded on the case (the clocks fold
/// status changes in the order of their times; they never rewrite what was already counted).
pub fn not_before_latest(case: &CaseDetails, at: OffsetDateTime) -> Result<(), CaseError> {
    not_before_opening(case, "at", at)?;
    if at < case.latest_at {
        return Err(CaseError::BeforeLatest {
            at: event_sourcing::envelope::rfc3339(at),
            latest: event_sourcing::envelope::rfc3339(case.latest_at),
        });
    }
    Ok(())
}

/// Refuses a timestamp earlier than the case's opening.
pub fn not_before_opening(
    case: &CaseDetails,
    what: &'static str,
    at: OffsetDateTime,
) -> Result<(), CaseError> {
    if at < case.opened_at {
        return Err(CaseError::BeforeOpening {
            what,
            at: event_sourcing::envelope::rfc3339(at),
            opened_at: event_sourcing::envelope::rfc3339(case.opened_at),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{call_added, opened, OPENED_AT};

    #[test]
    fn a_case_keeps_its_latest_interactions_and_counts_them_all() {
        let many = LATEST_INTERACTIONS + 5;
        let events: Vec<CaseEvent> = std::iter::once(opened())
            .chain((0..many).map(|n| {
                let mut call = call_added(OPENED_AT, None);
                if let CaseEvent::InteractionAdded(added) = &mut call {
                    added.interaction_id = format!("i{n}");
                }
                call
            }))
            .collect();
        let case = Case::from_events(&events);
        let details = case.existing("s1").unwrap();
        assert_eq!(details.interaction_count, many as u64);
        let kept: Vec<&str> = details
            .interactions
            .iter()
            .map(|i| i.interaction_id.as_str())
            .collect();
        let latest: Vec<String> = (5..many).map(|n| format!("i{n}")).collect();
        assert_eq!(kept, latest);
    }

    /// A stored snapshot outlives the build that wrote it: when this sample's JSON changes,
    /// so does the shape, or old snapshots would be read as the new state.
    #[test]
    fn the_snapshot_shape_changes_with_the_state() {
        let sample = Case::from_events(&[opened(), call_added(OPENED_AT, Some("c1"))]);
        assert_eq!(
            (Case::SNAPSHOT_SHAPE, serde_json::to_value(&sample).unwrap()),
            (
                Some(2),
                serde_json::json!({ "Open": {
                    "caseId": "s1", "clientId": "k1", "description": "Printer on fire",
                    "openedAt": "2026-01-01T09:00:00Z", "closedAt": null, "resolution": null,
                    "interactions": [{ "interactionId": "i1", "description": "Called back",
                        "interactionDate": "2026-01-01T09:00:00Z", "type": "call",
                        "direction": "outbound", "contactId": "c1" }],
                    "interactionCount": 1, "priority": "normal", "assigneeId": null,
                    "origin": null, "status": "open", "solvedAt": null, "reopenCount": 0,
                    "clocks": {
                        "terms": { "firstResponseMinutes": 480, "resolutionMinutes": 2880,
                            "businessHours": null },
                        "firstResponseAt": "2026-01-01T09:00:00Z",
                        "transitions": [{ "at": "2026-01-01T09:00:00Z", "status": "open" }]
                    },
                    "latestAt": "2026-01-01T09:00:00Z"
                } })
            ),
            "the case's state changed: raise Case::SNAPSHOT_SHAPE and update this sample"
        );
    }
}
