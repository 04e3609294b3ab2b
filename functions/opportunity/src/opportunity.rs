//! Opportunity state and `evolve`: what a sales team hopes to sell a client, where it stands in
//! its pipeline, and how it closed.

use std::collections::BTreeMap;

use contracts::opportunity_stream::{
    OpportunityContact, OpportunityContactRemoval, OPPORTUNITY_CONTACT_PERSONAL_FIELDS,
};
use event_sourcing::personal::PersonalData;
use event_sourcing::{Aggregate, DomainError, DomainEvent, ErrorKind, StreamId};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::change_stage::StageChanged;
use crate::close_opportunity::{OpportunityLost, OpportunityWon};
use crate::create_opportunity::OpportunityCreated;
use crate::edit_opportunity::{AmountChanged, CloseDateChanged, OpportunityEdited};
use crate::money::Money;
use crate::reopen_opportunity::OpportunityReopened;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    #[default]
    Open,
    Won,
    Lost,
}

impl Status {
    pub const NAMES: &'static [&'static str] = &["open", "won", "lost"];

    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityDetails {
    pub opportunity_id: String,
    pub name: String,
    pub client_id: String,
    pub pipeline_id: String,
    pub stage_id: String,
    #[serde(flatten)]
    pub money: Money,
    #[serde(with = "crate::dates::iso_date")]
    pub close_date: Date,
    pub owner_id: String,
    pub next_step: Option<String>,
    pub status: Status,
    pub lost_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub stage_entered_at: OffsetDateTime,
    /// The open stage it was in when it closed: where reopening takes it back.
    pub stage_before_close: Option<String>,
    /// The people named on it, each with their role there (their data, sealed in the event).
    #[serde(default)]
    pub contacts: BTreeMap<String, Option<String>>,
}

/// At most this many people named on one opportunity.
pub const MAX_CONTACTS: usize = 20;

impl OpportunityDetails {
    /// The opportunity without its people's roles: what read models keep (the roles are
    /// personal data, and read models are not erased key by key).
    pub fn without_roles(mut self) -> Self {
        for role in self.contacts.values_mut() {
            *role = None;
        }
        self
    }
}

// One state is held per command or view: boxing the details would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Opportunity {
    #[default]
    NotCreated,
    Active(OpportunityDetails),
}

impl Opportunity {
    pub fn existing(&self, id: &str) -> Result<&OpportunityDetails, OpportunityError> {
        match self {
            Opportunity::Active(details) => Ok(details),
            Opportunity::NotCreated => Err(OpportunityError::NotFound(id.to_owned())),
        }
    }

    /// An opportunity that is still open.
    pub fn open(&self, id: &str) -> Result<&OpportunityDetails, OpportunityError> {
        let details = self.existing(id)?;
        match details.status {
            Status::Open => Ok(details),
            status => Err(OpportunityError::Closed(id.to_owned(), status.name())),
        }
    }
}

/// The payload of a move between stages (a change of stage, a reopening): to `stageId` from
/// `previousStageId`, at `at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StageMove {
    pub opportunity_id: String,
    pub stage_id: String,
    pub previous_stage_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "eventType", content = "payload")]
pub enum OpportunityEvent {
    OpportunityCreated(OpportunityCreated),
    OpportunityEdited(OpportunityEdited),
    AmountChanged(AmountChanged),
    CloseDateChanged(CloseDateChanged),
    StageChanged(StageChanged),
    OpportunityWon(OpportunityWon),
    OpportunityLost(OpportunityLost),
    OpportunityReopened(OpportunityReopened),
    OpportunityContactAdded(OpportunityContact),
    OpportunityContactRemoved(OpportunityContactRemoval),
    TaskAttached(contracts::task_stream::TaskMention),
}

impl DomainEvent for OpportunityEvent {
    /// A person's role on an opportunity is their data: erasing them erases it.
    fn personal_data(&self) -> Option<PersonalData> {
        match self {
            OpportunityEvent::OpportunityContactAdded(named) => Some(PersonalData::of(
                StreamId::new(contracts::streams::CONTACT, &named.contact_id),
                OPPORTUNITY_CONTACT_PERSONAL_FIELDS,
            )),
            _ => None,
        }
    }
}

impl Aggregate for Opportunity {
    const TYPE: &'static str = contracts::streams::OPPORTUNITY;
    const SNAPSHOT_SHAPE: Option<u32> = Some(1);
    type Event = OpportunityEvent;

    /// Every event is named: a new event does not compile until it is decided here.
    fn evolve(self, event: &OpportunityEvent) -> Self {
        if let OpportunityEvent::OpportunityCreated(created) = event {
            return Opportunity::Active(OpportunityDetails {
                opportunity_id: created.opportunity_id.clone(),
                name: created.name.clone(),
                client_id: created.client_id.clone(),
                pipeline_id: created.pipeline_id.clone(),
                stage_id: created.stage_id.clone(),
                money: created.money,
                close_date: created.close_date,
                owner_id: created.owner_id.clone(),
                next_step: created.next_step.clone(),
                status: Status::Open,
                lost_reason: None,
                closed_at: None,
                created_at: created.created_at,
                stage_entered_at: created.created_at,
                stage_before_close: None,
                contacts: BTreeMap::new(),
            });
        }
        let Opportunity::Active(mut details) = self else {
            return self;
        };
        match event {
            OpportunityEvent::OpportunityCreated(_) => {}
            OpportunityEvent::OpportunityEdited(edited) => {
                details.name.clone_from(&edited.name);
                details.owner_id.clone_from(&edited.owner_id);
                details.next_step.clone_from(&edited.next_step);
            }
            OpportunityEvent::AmountChanged(changed) => details.money = changed.money,
            OpportunityEvent::CloseDateChanged(changed) => details.close_date = changed.close_date,
            OpportunityEvent::StageChanged(changed) => {
                details.stage_id.clone_from(&changed.stage_id);
                details.stage_entered_at = changed.at;
            }
            OpportunityEvent::OpportunityWon(won) => {
                details.stage_before_close = Some(details.stage_id.clone());
                details.stage_id.clone_from(&won.stage_id);
                details.stage_entered_at = won.closed_at;
                details.status = Status::Won;
                details.closed_at = Some(won.closed_at);
            }
            OpportunityEvent::OpportunityLost(lost) => {
                details.stage_before_close = Some(details.stage_id.clone());
                details.stage_id.clone_from(&lost.stage_id);
                details.stage_entered_at = lost.closed_at;
                details.status = Status::Lost;
                details.closed_at = Some(lost.closed_at);
                details.lost_reason = Some(lost.reason.clone());
            }
            OpportunityEvent::OpportunityReopened(reopened) => {
                details.stage_id.clone_from(&reopened.stage_id);
                details.stage_entered_at = reopened.at;
                details.status = Status::Open;
                details.closed_at = None;
                details.lost_reason = None;
                details.stage_before_close = None;
            }
            OpportunityEvent::OpportunityContactAdded(named) => {
                details
                    .contacts
                    .insert(named.contact_id.clone(), named.role.clone());
            }
            OpportunityEvent::OpportunityContactRemoved(removal) => {
                details.contacts.remove(&removal.contact_id);
            }
            // Read from the stream by the history; the record does not grow with its tasks.
            OpportunityEvent::TaskAttached(_) => {}
        }
        Opportunity::Active(details)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum OpportunityError {
    #[error("opportunity {0} does not exist")]
    NotFound(String),
    #[error("opportunity {0} already exists")]
    AlreadyExists(String),
    #[error("opportunity {0} is {1}")]
    Closed(String, &'static str),
    #[error("opportunity {0} is open")]
    NotClosed(String),
    #[error("client {0} does not exist")]
    UnknownClient(String),
    #[error("pipeline {0} does not exist")]
    UnknownPipeline(String),
    #[error("stage {0} is not a stage of the opportunity's pipeline")]
    UnknownStage(String),
    #[error("stage {0} is archived: it takes no new opportunity")]
    ArchivedStage(String),
    #[error("stage {0} closes opportunities: win or lose it instead")]
    ClosingStage(String),
    #[error("the opportunity is already in stage {0}")]
    SameStage(String),
    #[error("the pipeline has no open stage to start in")]
    NoOpenStage,
    #[error("amount: {0}")]
    InvalidAmount(String),
    #[error("contact {0} is already named on this opportunity")]
    ContactAlreadyNamed(String),
    #[error("contact {0} is not named on this opportunity")]
    ContactNotNamed(String),
    #[error("an opportunity names at most {MAX_CONTACTS} people")]
    TooManyContacts,
    #[error("{what} ({at}) is before the opportunity was created ({created_at})")]
    BeforeCreation {
        what: &'static str,
        at: String,
        created_at: String,
    },
}

impl DomainError for OpportunityError {
    fn kind(&self) -> ErrorKind {
        match self {
            OpportunityError::NotFound(_) | OpportunityError::ContactNotNamed(_) => {
                ErrorKind::NotFound
            }
            OpportunityError::InvalidAmount(_) => ErrorKind::Invalid,
            OpportunityError::ContactAlreadyNamed(_)
            | OpportunityError::AlreadyExists(_)
            | OpportunityError::Closed(..)
            | OpportunityError::NotClosed(_)
            | OpportunityError::SameStage(_) => ErrorKind::Conflict,
            OpportunityError::UnknownClient(_)
            | OpportunityError::UnknownPipeline(_)
            | OpportunityError::UnknownStage(_)
            | OpportunityError::ArchivedStage(_)
            | OpportunityError::ClosingStage(_)
            | OpportunityError::NoOpenStage
            | OpportunityError::TooManyContacts
            | OpportunityError::BeforeCreation { .. } => ErrorKind::Unprocessable,
        }
    }
}

/// A stage an opportunity may enter while open: one of its pipeline's, open, not archived.
pub fn open_stage<'a>(
    pipeline: &'a contracts::pipeline_stream::PipelineDetails,
    stage_id: &str,
) -> Result<&'a contracts::pipeline_stream::Stage, OpportunityError> {
    use contracts::pipeline_stream::Outcome;
    let stage = pipeline
        .find(stage_id)
        .ok_or_else(|| OpportunityError::UnknownStage(stage_id.to_owned()))?;
    if stage.outcome != Outcome::Open {
        return Err(OpportunityError::ClosingStage(stage_id.to_owned()));
    }
    if stage.archived {
        return Err(OpportunityError::ArchivedStage(stage_id.to_owned()));
    }
    Ok(stage)
}

/// A closing time is not before the opportunity's creation (a later one is fine: deals are
/// booked ahead).
pub fn not_before_creation(
    details: &OpportunityDetails,
    what: &'static str,
    at: OffsetDateTime,
) -> Result<(), OpportunityError> {
    if at < details.created_at {
        let format = |t: OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        return Err(OpportunityError::BeforeCreation {
            what,
            at: format(at),
            created_at: format(details.created_at),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::fixtures::{created, lost, moved, reopened, won, CREATED_AT};
    use time::macros::datetime;

    #[test]
    fn evolve_follows_the_life_of_an_opportunity() {
        let at = datetime!(2026-02-01 10:00 UTC);
        let state = Opportunity::from_events(&[
            created(),
            moved("qualify", "propose", at),
            lost("propose", "Too expensive", at),
        ]);
        let details = state.existing("o1").unwrap();
        assert_eq!(details.status, Status::Lost);
        assert_eq!(details.stage_id, "lost");
        assert_eq!(details.lost_reason.as_deref(), Some("Too expensive"));
        assert_eq!(details.stage_before_close.as_deref(), Some("propose"));
        let state = state.evolve(&reopened("propose", at));
        let details = state.existing("o1").unwrap();
        assert_eq!(
            (
                details.status,
                details.stage_id.as_str(),
                details.closed_at,
                details.lost_reason.clone()
            ),
            (Status::Open, "propose", None, None)
        );
        let state = state.evolve(&won("propose", at));
        assert_eq!(state.existing("o1").unwrap().status, Status::Won);
        assert_eq!(state.existing("o1").unwrap().created_at, CREATED_AT);
    }

    /// A stored snapshot outlives the build that wrote it: when this sample's JSON changes,
    /// so does the shape, or old snapshots would be read as the new state.
    #[test]
    fn the_snapshot_shape_changes_with_the_state() {
        let sample = Opportunity::from_events(&[created()]);
        assert_eq!(
            (
                Opportunity::SNAPSHOT_SHAPE,
                serde_json::to_value(&sample).unwrap()
            ),
            (
                Some(1),
                serde_json::json!({ "Active": {
                    "opportunityId": "o1", "name": "Acme renewal", "clientId": "k1",
                    "pipelineId": "p1", "stageId": "qualify", "amount": "12500.00",
                    "currency": "EUR", "closeDate": "2027-03-31", "ownerId": "u1",
                    "nextStep": null, "status": "open", "lostReason": null, "closedAt": null,
                    "createdAt": "2026-01-05T09:00:00Z", "stageEnteredAt": "2026-01-05T09:00:00Z",
                    "stageBeforeClose": null, "contacts": {}
                } })
            ),
            "the opportunity's state changed: raise Opportunity::SNAPSHOT_SHAPE and update this sample"
        );
    }
}
