//! What the other aggregates' commands record on a contact's stream, in the same transaction:
//! the contact owns its stream, so its rules for those appends live here, triggered by the
//! shapes in `contracts`. A client's or a case's Lambda runs them (its `lambda` feature
//! composes them into its slices); the client and case domains never see `Contact`.
//!
//! Each reads the contact at the version it appends at, so a concurrent deletion or erasure
//! makes the whole command fail instead of leaving a dangling link or naming someone forgotten.
//! The contact's snapshots are kept by these appends as by its own commands: a contact that
//! only others write to stays one Query to read.

use contracts::case_stream::{InteractionNaming, INTERACTION_ADDED};
use contracts::contact_stream::CaseMention;
use contracts::links::{
    ClientContactLink, ClientContactUnlink, UnlinkCause, CONTACT_LINKED, CONTACT_UNLINKED,
};
use contracts::opportunity_stream::{
    OpportunityContact, OpportunityContactRemoval, OpportunityMention, OPPORTUNITY_CONTACT_ADDED,
    OPPORTUNITY_CONTACT_REMOVED,
};
use contracts::task_stream::{unattachable, RecordTaskOn, TaskMention, TaskTarget};
use event_sourcing::policy::{Policy, Refusal};
use event_sourcing::ErrorKind;

use crate::{Contact, ContactEvent};

/// Another aggregate's command may name only a live contact: a deleted or erased one (or none)
/// refuses it as unprocessable, saying `doing`.
fn live(contact: &Contact, contact_id: &str, doing: &str) -> Result<(), Refusal> {
    contact
        .active(contact_id)
        .map(|_| ())
        .map_err(|error| Refusal::new(ErrorKind::Unprocessable, format!("{doing}: {error}")))
}

/// A link needs a live contact, and is recorded on its stream as `LinkedToClient`.
pub struct RecordLinkOnContact;

impl Policy for RecordLinkOnContact {
    const NAME: &'static str = "link-contact.record-link-on-contact";
    const TRIGGER: &'static str = CONTACT_LINKED;
    type Trigger = ClientContactLink;
    type Target = Contact;

    fn targets(&self, link: &ClientContactLink) -> Result<Vec<String>, Refusal> {
        Ok(vec![link.contact_id.clone()])
    }

    fn decide(
        &self,
        link: &ClientContactLink,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        live(contact, contact_id, "cannot link")?;
        Ok(vec![ContactEvent::LinkedToClient(link.clone())])
    }
}

/// Mirrors a requested unlink on the contact's stream. An unlink caused by the contact's own
/// deletion is already in that transaction, and a deleted contact keeps its last links.
pub struct RecordUnlinkOnContact;

impl Policy for RecordUnlinkOnContact {
    const NAME: &'static str = "unlink-contact.record-unlink-on-contact";
    const TRIGGER: &'static str = CONTACT_UNLINKED;
    type Trigger = ClientContactUnlink;
    type Target = Contact;

    fn targets(&self, unlink: &ClientContactUnlink) -> Result<Vec<String>, Refusal> {
        Ok(match unlink.cause {
            UnlinkCause::Requested => vec![unlink.contact_id.clone()],
            UnlinkCause::ContactDeleted => Vec::new(),
        })
    }

    fn decide(
        &self,
        unlink: &ClientContactUnlink,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        Ok(match contact.active(contact_id) {
            Ok(details) if details.clients.contains(&unlink.client_id) => {
                vec![ContactEvent::UnlinkedFromClient(unlink.clone())]
            }
            _ => Vec::new(),
        })
    }
}

/// An interaction that names a contact is recorded on the contact's stream too: the contact's
/// export finds it there.
pub struct RecordMentionOnContact;

impl Policy for RecordMentionOnContact {
    const NAME: &'static str = "add-interaction.record-mention-on-contact";
    const TRIGGER: &'static str = INTERACTION_ADDED;
    type Trigger = InteractionNaming;
    type Target = Contact;

    fn targets(&self, added: &InteractionNaming) -> Result<Vec<String>, Refusal> {
        Ok(added.contact_id.iter().cloned().collect())
    }

    fn decide(
        &self,
        added: &InteractionNaming,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        live(contact, contact_id, "cannot name it")?;
        Ok(vec![ContactEvent::MentionedInCase(CaseMention {
            case_id: added.case_id.clone(),
            interaction_id: added.interaction_id.clone(),
        })])
    }
}

/// A person named on an opportunity must be live; the naming is recorded on their stream (the
/// role stays on the opportunity, sealed under their key).
pub struct RecordOpportunityNaming;

impl Policy for RecordOpportunityNaming {
    const NAME: &'static str = "opportunity.record-naming-on-contact";
    const TRIGGER: &'static str = OPPORTUNITY_CONTACT_ADDED;
    type Trigger = OpportunityContact;
    type Target = Contact;

    fn targets(&self, named: &OpportunityContact) -> Result<Vec<String>, Refusal> {
        Ok(vec![named.contact_id.clone()])
    }

    fn decide(
        &self,
        named: &OpportunityContact,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        live(contact, contact_id, "cannot name it")?;
        Ok(vec![ContactEvent::NamedOnOpportunity(OpportunityMention {
            opportunity_id: named.opportunity_id.clone(),
        })])
    }
}

/// A person no longer named on an opportunity: recorded on their stream while it is live (a
/// deleted or erased contact's stream takes nothing more).
pub struct RecordOpportunityUnnaming;

impl Policy for RecordOpportunityUnnaming {
    const NAME: &'static str = "opportunity.record-unnaming-on-contact";
    const TRIGGER: &'static str = OPPORTUNITY_CONTACT_REMOVED;
    type Trigger = OpportunityContactRemoval;
    type Target = Contact;

    fn targets(&self, removal: &OpportunityContactRemoval) -> Result<Vec<String>, Refusal> {
        Ok(vec![removal.contact_id.clone()])
    }

    fn decide(
        &self,
        removal: &OpportunityContactRemoval,
        contact: &Contact,
        contact_id: &str,
    ) -> Result<Vec<ContactEvent>, Refusal> {
        Ok(match contact.active(contact_id) {
            Ok(_) => vec![ContactEvent::UnnamedFromOpportunity(OpportunityMention {
                opportunity_id: removal.opportunity_id.clone(),
            })],
            Err(_) => Vec::new(),
        })
    }
}

/// A task may target a live contact; the contact's stream records it (its export finds the
/// task there; the task's text stays on the task, sealed under the person's key).
impl TaskTarget for Contact {
    const POLICY_NAME: &'static str = "task.record-task-on-contact";

    fn attach(&self, id: &str, task: TaskMention) -> Result<Vec<ContactEvent>, Refusal> {
        self.active(id)
            .map_err(|error| unattachable(contracts::streams::CONTACT, id, error))?;
        Ok(vec![ContactEvent::TaskAttached(task)])
    }
}

/// Composed by the task's Lambdas.
pub type RecordTaskOnContact = RecordTaskOn<Contact>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::fixtures::{created, deleted, erased, ADA};
    use event_sourcing::Aggregate;

    fn gone() -> [Contact; 3] {
        [
            Contact::NotCreated,
            Contact::from_events(&[created(), deleted(&[])]),
            Contact::from_events(&[created(), erased()]),
        ]
    }

    fn link() -> ClientContactLink {
        ClientContactLink {
            client_id: "k1".into(),
            contact_id: ADA.into(),
        }
    }

    #[test]
    fn a_link_is_recorded_on_a_live_contact_and_refused_on_any_other() {
        let ada = Contact::from_events(&[created()]);
        assert_eq!(
            RecordLinkOnContact.decide(&link(), &ada, ADA).unwrap(),
            [ContactEvent::LinkedToClient(link())]
        );
        for contact in gone() {
            let refusal = RecordLinkOnContact
                .decide(&link(), &contact, ADA)
                .unwrap_err();
            assert_eq!(refusal.kind, ErrorKind::Unprocessable);
        }
    }

    #[test]
    fn an_unlink_is_mirrored_only_while_the_link_stands_and_never_for_a_deletion() {
        let unlink = |cause| ClientContactUnlink {
            client_id: "k1".into(),
            contact_id: ADA.into(),
            cause,
        };
        let requested = unlink(UnlinkCause::Requested);
        let linked = Contact::from_events(&[created(), ContactEvent::LinkedToClient(link())]);
        assert_eq!(
            RecordUnlinkOnContact
                .decide(&requested, &linked, ADA)
                .unwrap(),
            [ContactEvent::UnlinkedFromClient(requested.clone())]
        );
        let unlinked = Contact::from_events(&[created()]);
        assert_eq!(
            RecordUnlinkOnContact
                .decide(&requested, &unlinked, ADA)
                .unwrap(),
            []
        );
        assert_eq!(RecordUnlinkOnContact.targets(&requested).unwrap(), [ADA]);
        assert!(RecordUnlinkOnContact
            .targets(&unlink(UnlinkCause::ContactDeleted))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_person_named_on_an_opportunity_must_be_live_and_an_unnaming_follows_only_the_live() {
        let named = OpportunityContact {
            opportunity_id: "o1".into(),
            contact_id: ADA.into(),
            role: Some("Champion".into()),
        };
        let ada = Contact::from_events(&[created()]);
        let mention = OpportunityMention {
            opportunity_id: "o1".into(),
        };
        assert_eq!(
            RecordOpportunityNaming.decide(&named, &ada, ADA).unwrap(),
            [ContactEvent::NamedOnOpportunity(mention.clone())]
        );
        let removal = OpportunityContactRemoval {
            opportunity_id: "o1".into(),
            contact_id: ADA.into(),
        };
        assert_eq!(
            RecordOpportunityUnnaming
                .decide(&removal, &ada, ADA)
                .unwrap(),
            [ContactEvent::UnnamedFromOpportunity(mention)]
        );
        for contact in gone() {
            let refusal = RecordOpportunityNaming
                .decide(&named, &contact, ADA)
                .unwrap_err();
            assert_eq!(refusal.kind, ErrorKind::Unprocessable);
            assert_eq!(
                RecordOpportunityUnnaming
                    .decide(&removal, &contact, ADA)
                    .unwrap(),
                []
            );
        }
    }

    #[test]
    fn an_interaction_naming_a_live_contact_is_mentioned_on_its_stream() {
        let naming = |contact_id: Option<&str>| InteractionNaming {
            case_id: "s1".into(),
            interaction_id: "i1".into(),
            contact_id: contact_id.map(str::to_owned),
        };
        assert!(RecordMentionOnContact
            .targets(&naming(None))
            .unwrap()
            .is_empty());
        let ada = Contact::from_events(&[created()]);
        assert_eq!(
            RecordMentionOnContact
                .decide(&naming(Some(ADA)), &ada, ADA)
                .unwrap(),
            [ContactEvent::MentionedInCase(CaseMention {
                case_id: "s1".into(),
                interaction_id: "i1".into(),
            })]
        );
        for contact in gone() {
            let refusal = RecordMentionOnContact
                .decide(&naming(Some(ADA)), &contact, ADA)
                .unwrap_err();
            assert_eq!(refusal.kind, ErrorKind::Unprocessable);
        }
    }
}
