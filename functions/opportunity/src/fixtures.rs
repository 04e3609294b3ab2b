//! Opportunity fixtures for the tests of this crate: "Acme renewal", opportunity `o1` of client
//! `k1` in pipeline `p1` (Qualify 20%, Propose 60%, Won, Lost), 12,500.00 EUR, closing
//! 2027-03-31, and the events of its life.

use contracts::pipeline_stream::{Outcome, PipelineDetails, Stage};
use time::macros::{date, datetime};
use time::OffsetDateTime;

use crate::change_stage::StageChanged;
use crate::close_opportunity::{OpportunityLost, OpportunityWon};
use crate::create_opportunity::{CreateOpportunity, OpportunityCreated};
use crate::money::{Currency, Money};
use crate::reopen_opportunity::OpportunityReopened;
use crate::OpportunityEvent;

pub const CREATED_AT: OffsetDateTime = datetime!(2026-01-05 09:00 UTC);

#[allow(clippy::unwrap_used)]
pub fn eur(amount: &str) -> Money {
    Money::parse(amount, Currency::parse("EUR").unwrap()).unwrap()
}

pub fn pipeline() -> PipelineDetails {
    let stage = |id: &str, label: &str, probability, outcome| Stage {
        stage_id: id.into(),
        label: label.into(),
        probability,
        outcome,
        archived: false,
    };
    PipelineDetails {
        pipeline_id: "p1".into(),
        name: "Sales".into(),
        stages: vec![
            stage("qualify", "Qualify", 20, Outcome::Open),
            stage("propose", "Propose", 60, Outcome::Open),
            stage("won", "Won", 100, Outcome::Won),
            stage("lost", "Lost", 0, Outcome::Lost),
        ],
    }
}

pub fn create_command(stage_id: Option<&str>) -> CreateOpportunity {
    CreateOpportunity {
        opportunity_id: "o1".into(),
        name: "Acme renewal".into(),
        client_id: "k1".into(),
        pipeline_id: "p1".into(),
        stage_id: stage_id.map(str::to_owned),
        money: eur("12500"),
        close_date: date!(2027 - 03 - 31),
        owner_id: "u1".into(),
        next_step: None,
        created_at: CREATED_AT,
        contacts: Vec::new(),
    }
}

pub fn created() -> OpportunityEvent {
    OpportunityEvent::OpportunityCreated(OpportunityCreated {
        opportunity_id: "o1".into(),
        name: "Acme renewal".into(),
        client_id: "k1".into(),
        pipeline_id: "p1".into(),
        stage_id: "qualify".into(),
        money: eur("12500.00"),
        close_date: date!(2027 - 03 - 31),
        owner_id: "u1".into(),
        next_step: None,
        created_at: CREATED_AT,
    })
}

pub fn moved(from: &str, to: &str, at: OffsetDateTime) -> OpportunityEvent {
    OpportunityEvent::StageChanged(StageChanged {
        opportunity_id: "o1".into(),
        stage_id: to.into(),
        previous_stage_id: from.into(),
        at,
    })
}

/// Won from the stage it was in.
pub fn won(from: &str, at: OffsetDateTime) -> OpportunityEvent {
    OpportunityEvent::OpportunityWon(OpportunityWon {
        opportunity_id: "o1".into(),
        stage_id: "won".into(),
        previous_stage_id: from.into(),
        closed_at: at,
    })
}

pub fn lost(from: &str, reason: &str, at: OffsetDateTime) -> OpportunityEvent {
    OpportunityEvent::OpportunityLost(OpportunityLost {
        opportunity_id: "o1".into(),
        stage_id: "lost".into(),
        previous_stage_id: from.into(),
        reason: reason.into(),
        closed_at: at,
    })
}

/// Reopened into `to` (from the lost stage: the fixtures' reopenings follow a loss).
pub fn reopened(to: &str, at: OffsetDateTime) -> OpportunityEvent {
    OpportunityEvent::OpportunityReopened(OpportunityReopened {
        opportunity_id: "o1".into(),
        stage_id: to.into(),
        previous_stage_id: "lost".into(),
        at,
    })
}
