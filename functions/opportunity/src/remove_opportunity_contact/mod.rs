//! remove-opportunity-contact: `DELETE /api/opportunities/{id}/contacts/{contactId}`: the
//! person no longer named (their stream records it too, while they are live).

#[cfg(feature = "lambda")]
mod http;

use contracts::opportunity_stream::OpportunityContactRemoval;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::opportunity::{Opportunity, OpportunityError, OpportunityEvent};

pub type RemoveOpportunityContact = OpportunityContactRemoval;

pub fn decide(
    state: &Opportunity,
    command: RemoveOpportunityContact,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.existing(&command.opportunity_id)?;
    if !details.contacts.contains_key(&command.contact_id) {
        return Err(OpportunityError::ContactNotNamed(command.contact_id));
    }
    Ok(vec![OpportunityEvent::OpportunityContactRemoved(command)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::created;
    use contracts::opportunity_stream::OpportunityContact;
    use event_sourcing::testing::given;

    fn removal() -> RemoveOpportunityContact {
        OpportunityContactRemoval {
            opportunity_id: "o1".into(),
            contact_id: "c1".into(),
        }
    }

    #[test]
    fn given_a_named_person_when_removed_then_removed_and_otherwise_not_found() {
        let named = OpportunityEvent::OpportunityContactAdded(OpportunityContact {
            opportunity_id: "o1".into(),
            contact_id: "c1".into(),
            role: None,
        });
        given::<Opportunity>([created(), named])
            .when(|state| decide(state, removal()))
            .then([OpportunityEvent::OpportunityContactRemoved(removal())]);
        given::<Opportunity>([created()])
            .when(|state| decide(state, removal()))
            .then_error(OpportunityError::ContactNotNamed("c1".into()));
    }
}
