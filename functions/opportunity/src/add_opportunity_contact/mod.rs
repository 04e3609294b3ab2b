//! add-opportunity-contact: `POST /api/opportunities/{id}/contacts` `{contactId, role?}`: a
//! person named on the opportunity. The contact's policy checks them and records the naming on
//! their stream in the same transaction; the role is their data, sealed under their key.

#[cfg(feature = "lambda")]
mod http;

use contracts::opportunity_stream::OpportunityContact;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};

use crate::opportunity::{Opportunity, OpportunityError, OpportunityEvent, MAX_CONTACTS};

pub type AddOpportunityContact = OpportunityContact;

pub fn decide(
    state: &Opportunity,
    command: AddOpportunityContact,
) -> Result<Vec<OpportunityEvent>, OpportunityError> {
    let details = state.existing(&command.opportunity_id)?;
    if details.contacts.contains_key(&command.contact_id) {
        return Err(OpportunityError::ContactAlreadyNamed(command.contact_id));
    }
    if details.contacts.len() >= MAX_CONTACTS {
        return Err(OpportunityError::TooManyContacts);
    }
    Ok(vec![OpportunityEvent::OpportunityContactAdded(command)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::created;
    use event_sourcing::testing::given;

    fn name(contact_id: &str) -> AddOpportunityContact {
        OpportunityContact {
            opportunity_id: "o1".into(),
            contact_id: contact_id.into(),
            role: Some("Champion".into()),
        }
    }

    #[test]
    fn given_opportunity_when_a_person_is_named_then_named_once() {
        given::<Opportunity>([created()])
            .when(|state| decide(state, name("c1")))
            .then([OpportunityEvent::OpportunityContactAdded(name("c1"))]);
        given::<Opportunity>([
            created(),
            OpportunityEvent::OpportunityContactAdded(name("c1")),
        ])
        .when(|state| decide(state, name("c1")))
        .then_error(OpportunityError::ContactAlreadyNamed("c1".into()));
    }

    #[test]
    fn given_a_full_opportunity_when_one_more_is_named_then_too_many() {
        let mut events = vec![created()];
        events.extend(
            (0..MAX_CONTACTS)
                .map(|i| OpportunityEvent::OpportunityContactAdded(name(&format!("c{i}")))),
        );
        given::<Opportunity>(events)
            .when(|state| decide(state, name("one-more")))
            .then_error(OpportunityError::TooManyContacts);
    }
}
