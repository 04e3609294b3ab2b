//! create-opportunity: `POST /api/opportunities`, in an open stage of an existing pipeline,
//! for an existing client.

#[cfg(feature = "lambda")]
mod http;

use contracts::pipeline_stream::PipelineDetails;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use contracts::opportunity_stream::OpportunityContact;

use crate::money::Money;
use crate::opportunity::{open_stage, Opportunity, OpportunityError, OpportunityEvent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateOpportunity {
    pub opportunity_id: String,
    pub name: String,
    pub client_id: String,
    pub pipeline_id: String,
    /// None: the pipeline's first open stage.
    pub stage_id: Option<String>,
    pub money: Money,
    pub close_date: Date,
    pub owner_id: String,
    pub next_step: Option<String>,
    pub created_at: OffsetDateTime,
    /// The people it names from the start: (contact id, role).
    pub contacts: Vec<(String, Option<String>)>,
}

/// What the adapter read of the other aggregates just before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub client_exists: bool,
    pub pipeline: Option<PipelineDetails>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityCreated {
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
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub fn decide(
    state: &Opportunity,
    command: CreateOpportunity,
    context: &Context,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    if *state != Opportunity::NotCreated {
        return Err(OpportunityError::AlreadyExists(command.opportunity_id));
    }
    if !context.client_exists {
        return Err(OpportunityError::UnknownClient(command.client_id));
    }
    let pipeline = context
        .pipeline
        .as_ref()
        .ok_or_else(|| OpportunityError::UnknownPipeline(command.pipeline_id.clone()))?;
    let stage_id = match &command.stage_id {
        Some(stage_id) => open_stage(pipeline, stage_id)?.stage_id.clone(),
        None => pipeline
            .first_open()
            .ok_or(OpportunityError::NoOpenStage)?
            .stage_id
            .clone(),
    };
    // Each person named is checked, and the naming recorded on their stream, by the
    // contact's policy in the same transaction.
    let named = command.contacts.iter().map(|(contact_id, role)| {
        OpportunityEvent::OpportunityContactAdded(OpportunityContact {
            opportunity_id: command.opportunity_id.clone(),
            contact_id: contact_id.clone(),
            role: role.clone(),
        })
    });
    let named: Vec<OpportunityEvent> = named.collect();
    let mut events = vec![OpportunityEvent::OpportunityCreated(OpportunityCreated {
        opportunity_id: command.opportunity_id,
        name: command.name,
        client_id: command.client_id,
        pipeline_id: command.pipeline_id,
        stage_id,
        money: command.money,
        close_date: command.close_date,
        owner_id: command.owner_id,
        next_step: command.next_step,
        created_at: command.created_at,
    })];
    events.extend(named);
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{create_command, created, pipeline};
    use event_sourcing::testing::given;

    fn context() -> Context {
        Context {
            client_exists: true,
            pipeline: Some(pipeline()),
        }
    }

    #[test]
    fn given_no_opportunity_when_created_without_a_stage_then_it_starts_in_the_first_open_one() {
        given::<Opportunity>([])
            .when(|state| decide(state, create_command(None), &context()))
            .then([created()]);
    }

    #[test]
    fn given_an_archived_first_stage_when_created_then_it_starts_in_the_next_open_one() {
        let mut context = context();
        if let Some(pipeline) = context.pipeline.as_mut() {
            pipeline.stages[0].archived = true;
        }
        let decided = decide(&Opportunity::NotCreated, create_command(None), &context).unwrap();
        let [OpportunityEvent::OpportunityCreated(created)] = decided.as_slice() else {
            unreachable!("{decided:?}")
        };
        assert_eq!(created.stage_id, "propose");
    }

    #[test]
    fn given_no_opportunity_when_created_in_a_closing_archived_or_unknown_stage_then_unprocessable()
    {
        let mut context = context();
        if let Some(pipeline) = context.pipeline.as_mut() {
            pipeline.stages[1].archived = true;
        }
        for (stage, error) in [
            ("won", OpportunityError::ClosingStage("won".into())),
            ("lost", OpportunityError::ClosingStage("lost".into())),
            ("propose", OpportunityError::ArchivedStage("propose".into())),
            ("nope", OpportunityError::UnknownStage("nope".into())),
        ] {
            given::<Opportunity>([])
                .when(|state| decide(state, create_command(Some(stage)), &context))
                .then_error(error);
        }
    }

    #[test]
    fn given_no_client_or_pipeline_when_created_then_unprocessable() {
        let cases = [
            (
                Context {
                    client_exists: false,
                    ..context()
                },
                OpportunityError::UnknownClient("k1".into()),
            ),
            (
                Context {
                    pipeline: None,
                    ..context()
                },
                OpportunityError::UnknownPipeline("p1".into()),
            ),
        ];
        for (context, error) in cases {
            given::<Opportunity>([])
                .when(|state| decide(state, create_command(None), &context))
                .then_error(error);
        }
    }

    #[test]
    fn given_opportunity_when_created_again_then_already_exists() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, create_command(None), &context()))
            .then_error(OpportunityError::AlreadyExists("o1".into()));
    }
}
