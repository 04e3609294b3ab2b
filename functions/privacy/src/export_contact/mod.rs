//! export-contact: `GET /api/contacts/{id}/export`: everything held about a person (GDPR
//! Art. 15 and 20), as one JSON document: the record, its whole history, the clients it is
//! linked to, the case interactions that name it, the opportunities that name it (with
//! its role on each) and the tasks that target it (their text is the person's data).
//!
//! It reads all three aggregates, so it lives in the privacy crate, which owns no aggregate.

use case::{Case, CaseEvent, Interaction};
use contact::{Contact, ContactDetails, ContactEvent};
use contracts::client_stream::ClientName;
use event_sourcing::{Aggregate, EventEnvelope};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{json_response, path_id, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use opportunity::{Opportunity, OpportunityEvent};
use serde::Serialize;
use serde_json::Value;
use task::{Task, TaskDetails};

pub fn slice() -> Slice {
    Slice::new("export-contact", Access::ReadStreams, handle)
        .route("GET", "/api/contacts/{id}/export")
        .reads::<Case>()
        .reads::<Contact>()
        .reads::<ClientName>()
        .reads::<Opportunity>()
        .reads::<Task>()
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub contact_id: String,
    pub exported_at: String,
    pub record: ContactDetails,
    pub deleted: bool,
    /// Every event of the contact's stream, oldest first, as the history route shows it.
    pub history: Vec<Value>,
    pub clients: Vec<LinkedClient>,
    pub interactions: Vec<NamingInteraction>,
    pub opportunities: Vec<NamingOpportunity>,
    /// The tasks that target the person, as they stand.
    pub tasks: Vec<TaskDetails>,
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamingOpportunity {
    pub opportunity_id: String,
    pub name: Option<String>,
    pub role: Option<String>,
    /// Whether it names them still.
    pub named: bool,
}

/// What an opportunity's stream holds of the person: their last role there, and whether it
/// names them still.
fn on_opportunity(id: &str, events: &[EventEnvelope], contact_id: &str) -> NamingOpportunity {
    let mut naming = NamingOpportunity {
        opportunity_id: id.to_owned(),
        name: None,
        role: None,
        named: false,
    };
    for event in events {
        match event.decode::<OpportunityEvent>() {
            Ok(OpportunityEvent::OpportunityCreated(created)) => naming.name = Some(created.name),
            Ok(OpportunityEvent::OpportunityEdited(edited)) => naming.name = Some(edited.name),
            Ok(OpportunityEvent::OpportunityContactAdded(added))
                if added.contact_id == contact_id =>
            {
                naming.role = added.role;
                naming.named = true;
            }
            Ok(OpportunityEvent::OpportunityContactRemoved(removed))
                if removed.contact_id == contact_id =>
            {
                naming.named = false;
            }
            _ => {}
        }
    }
    naming
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedClient {
    pub client_id: String,
    pub name: Option<String>,
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamingInteraction {
    pub case_id: String,
    #[serde(flatten)]
    pub interaction: Interaction,
}

/// The interactions of a case's stream that name this contact (all of them: a case's state
/// keeps only its latest).
pub fn naming(case_id: &str, case: &[EventEnvelope], contact_id: &str) -> Vec<NamingInteraction> {
    case.iter()
        .filter_map(|event| match event.decode::<CaseEvent>() {
            Ok(CaseEvent::InteractionAdded(added))
                if added.contact_id.as_deref() == Some(contact_id) =>
            {
                Some(NamingInteraction {
                    case_id: case_id.to_owned(),
                    interaction: Interaction::from(&added),
                })
            }
            _ => None,
        })
        .collect()
}

/// The records another stream names the contact on, from what its own stream recorded of
/// them (`record` picks the id from one event), each once, sorted.
fn recorded_on_contact(
    contact: &[EventEnvelope],
    record: impl Fn(ContactEvent) -> Option<String>,
) -> Vec<String> {
    let mut ids: Vec<String> = contact
        .iter()
        .filter_map(|event| event.decode::<ContactEvent>().ok().and_then(&record))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// 200 with the export; 404 for no contact, 410 once erased (nothing of the person is held).
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let events = invocation.store.load(&Contact::stream(&id)).await?;
    let contact = event_sourcing::aggregate::fold::<Contact>(&events)?;
    let record = match &contact.state {
        Contact::Erased => {
            return Err(Problem::of_kind(
                event_sourcing::ErrorKind::Gone,
                format!("contact {id} was erased"),
            ))
        }
        state => state.held().cloned().ok_or_else(|| {
            Problem::of_kind(
                event_sourcing::ErrorKind::NotFound,
                format!("contact {id} does not exist"),
            )
        })?,
    };
    let mut clients = Vec::new();
    for client_id in &record.clients {
        let client = invocation.load::<ClientName>(client_id).await?;
        clients.push(LinkedClient {
            client_id: client_id.clone(),
            name: client.state.0,
        });
    }
    let mut interactions = Vec::new();
    let cases = recorded_on_contact(&events, |event| match event {
        ContactEvent::MentionedInCase(mention) => Some(mention.case_id),
        _ => None,
    });
    for case_id in cases {
        let case = invocation.store.load(&Case::stream(&case_id)).await?;
        interactions.extend(naming(&case_id, &case, &id));
    }
    let mut opportunities = Vec::new();
    let naming = recorded_on_contact(&events, |event| match event {
        ContactEvent::NamedOnOpportunity(named) => Some(named.opportunity_id),
        _ => None,
    });
    for opportunity_id in naming {
        let stream = invocation
            .store
            .load(&Opportunity::stream(&opportunity_id))
            .await?;
        opportunities.push(on_opportunity(&opportunity_id, &stream, &id));
    }
    let mut tasks = Vec::new();
    let targeting = recorded_on_contact(&events, |event| match event {
        ContactEvent::TaskAttached(task) => Some(task.task_id),
        _ => None,
    });
    for task_id in targeting {
        if let Task::Active(task) = invocation.load::<Task>(&task_id).await?.state {
            tasks.push(task);
        }
    }
    json_response(
        StatusCode::OK,
        &Export {
            opportunities,
            tasks,
            contact_id: id,
            exported_at: event_sourcing::envelope::rfc3339(invocation.now),
            deleted: matches!(contact.state, Contact::Deleted(_)),
            history: events.iter().map(http_api::history::entry).collect(),
            record,
            clients,
            interactions,
        },
    )
}
