//! The opportunity's events in the public feed: what billing and forecasting systems need
//! (client, owner, pipeline, stage, amount as a decimal string with its currency, dates,
//! outcome). The name, next step and a lost reason are free text: never published.

use contracts::feed::{instant, Feed, Publication};
use serde_json::json;

use crate::dates;
use crate::opportunity::{OpportunityEvent, StageMove};

pub fn feed() -> Feed {
    Feed::of(contracts::streams::OPPORTUNITY, publication)
}

fn moved(name: &'static str, e: &StageMove) -> Publication {
    Publication::public(
        name,
        json!({ "opportunityId": e.opportunity_id, "stageId": e.stage_id,
            "previousStageId": e.previous_stage_id, "at": instant(e.at) }),
    )
}

fn publication(event: &OpportunityEvent) -> Publication {
    match event {
        OpportunityEvent::OpportunityCreated(e) => Publication::public(
            "created",
            json!({ "opportunityId": e.opportunity_id, "clientId": e.client_id,
                "pipelineId": e.pipeline_id, "stageId": e.stage_id, "amount": e.money.amount_text(),
                "currency": e.money.currency, "closeDate": dates::text(e.close_date),
                "ownerId": e.owner_id, "createdAt": instant(e.created_at) }),
        ),
        // Name and next step are free text; the owner is an id.
        OpportunityEvent::OpportunityEdited(e) => Publication::public(
            "edited",
            json!({ "opportunityId": e.opportunity_id, "ownerId": e.owner_id }),
        ),
        OpportunityEvent::AmountChanged(e) => Publication::public(
            "amount-changed",
            json!({ "opportunityId": e.opportunity_id, "amount": e.money.amount_text(),
                "currency": e.money.currency, "previousAmount": e.previous_amount,
                "previousCurrency": e.previous_currency }),
        ),
        OpportunityEvent::CloseDateChanged(e) => Publication::public(
            "close-date-changed",
            json!({ "opportunityId": e.opportunity_id, "closeDate": dates::text(e.close_date),
                "previousCloseDate": dates::text(e.previous_close_date) }),
        ),
        OpportunityEvent::StageChanged(e) => moved("stage-changed", e),
        OpportunityEvent::OpportunityReopened(e) => moved("reopened", e),
        OpportunityEvent::OpportunityWon(e) => Publication::public(
            "won",
            json!({ "opportunityId": e.opportunity_id, "stageId": e.stage_id,
                "previousStageId": e.previous_stage_id, "closedAt": instant(e.closed_at) }),
        ),
        OpportunityEvent::OpportunityLost(e) => Publication::public(
            "lost",
            json!({ "opportunityId": e.opportunity_id, "stageId": e.stage_id,
                "previousStageId": e.previous_stage_id, "closedAt": instant(e.closed_at) }),
        ),
        OpportunityEvent::OpportunityContactAdded(e) => Publication::public(
            "contact-added",
            // The role is the person's data (sealed under their key): not here.
            json!({ "opportunityId": e.opportunity_id, "contactId": e.contact_id }),
        ),
        OpportunityEvent::OpportunityContactRemoved(e) => Publication::public(
            "contact-removed",
            json!({ "opportunityId": e.opportunity_id, "contactId": e.contact_id }),
        ),
        OpportunityEvent::TaskAttached(_) => {
            Publication::Withheld("the task publishes its targets (task.created)")
        }
    }
}
