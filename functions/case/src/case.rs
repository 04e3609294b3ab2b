//! Case state and `evolve` (the original's project-case).

use event_sourcing::personal::PersonalData;
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind, StreamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::add_interaction::InteractionAdded;
use crate::close_case::CaseClosed;
use crate::create_case::CaseCreated;

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
    pub contact_id: Option<String>,
}

impl From<&InteractionAdded> for Interaction {
    fn from(added: &InteractionAdded) -> Self {
        Interaction {
            interaction_id: added.interaction_id.clone(),
            description: added.description.clone(),
            interaction_date: added.interaction_date,
            kind: added.kind,
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
}

impl DomainEvent for CaseEvent {
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
    const SNAPSHOT_SHAPE: Option<u32> = Some(1);
    type Event = CaseEvent;

    /// Every event is named: a new event does not compile until it is decided here. Events
    /// that never follow the state they meet (an interaction on a closed case) leave it as it is.
    fn evolve(self, event: &CaseEvent) -> Self {
        match event {
            CaseEvent::CaseCreated(created) => Case::Open(CaseDetails {
                case_id: created.case_id.clone(),
                client_id: created.client_id.clone(),
                description: created.description.clone(),
                opened_at: created.opened_at,
                closed_at: None,
                resolution: None,
                interactions: Vec::new(),
                interaction_count: 0,
            }),
            CaseEvent::InteractionAdded(added) => match self {
                Case::Open(mut details) => {
                    if details.interactions.len() >= LATEST_INTERACTIONS {
                        details.interactions.remove(0);
                    }
                    details.interaction_count += 1;
                    details.interactions.push(Interaction::from(added));
                    Case::Open(details)
                }
                other => other,
            },
            CaseEvent::CaseClosed(closed) => match self {
                Case::Open(details) => Case::Closed(CaseDetails {
                    closed_at: Some(closed.closed_at),
                    resolution: closed.resolution.clone(),
                    ..details
                }),
                other => other,
            },
            // Read from the stream by the history; the record does not grow with its tasks.
            CaseEvent::TaskAttached(_) => self,
        }
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
}

impl DomainError for CaseError {
    fn kind(&self) -> ErrorKind {
        match self {
            CaseError::NotFound(_) => ErrorKind::NotFound,
            CaseError::AlreadyExists(_) | CaseError::Closed(_) => ErrorKind::Conflict,
            CaseError::UnknownClient(_) | CaseError::BeforeOpening { .. } => {
                ErrorKind::Unprocessable
            }
        }
    }
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
                Some(1),
                serde_json::json!({ "Open": {
                    "caseId": "s1", "clientId": "k1", "description": "Printer on fire",
                    "openedAt": "2026-01-01T09:00:00Z", "closedAt": null, "resolution": null,
                    "interactions": [{ "interactionId": "i1", "description": "Called back",
                        "interactionDate": "2026-01-01T09:00:00Z", "type": "call", "contactId": "c1" }],
                    "interactionCount": 1
                } })
            ),
            "the case's state changed: raise Case::SNAPSHOT_SHAPE and update this sample"
        );
    }
}
