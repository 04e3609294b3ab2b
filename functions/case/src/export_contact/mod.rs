//! export-contact: `GET /api/contacts/{id}/export`: everything held about a person (GDPR
//! Art. 15 and 20), as one JSON document: the record, its whole history, the clients it is
//! linked to and the case interactions that name it.
//!
//! It lives in the case crate because it reads all three aggregates, and this crate is the one
//! that knows them all.

use client::Client;
use contact::{Contact, ContactDetails};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use serde_json::Value;
use shared::aggregate::Invocation;
use shared::http::{json_response, path_id, Problem};
use shared::registry::{Access, Slice};
use shared::Aggregate;

use crate::case::{Case, Interaction};

pub fn slice() -> Slice {
    Slice::new("export-contact", Access::ReadStreams, handle)
        .route("GET", "/api/contacts/{id}/export")
        .reads::<Contact>()
        .reads::<Client>()
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

/// The interactions of a case that name this contact.
pub fn naming(case_id: &str, case: &Case, contact_id: &str) -> Vec<NamingInteraction> {
    case.existing(case_id)
        .map(|details| {
            details
                .interactions
                .iter()
                .filter(|i| i.contact_id.as_deref() == Some(contact_id))
                .map(|interaction| NamingInteraction {
                    case_id: case_id.to_owned(),
                    interaction: interaction.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// 200 with the export; 404 for no contact, 410 once erased (nothing of the person is held).
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let events = invocation.store.load(&Contact::stream(&id)).await?;
    let contact = shared::aggregate::fold::<Contact>(&events)?;
    let record = match &contact.state {
        Contact::Erased => {
            return Err(Problem::of_kind(
                shared::ErrorKind::Gone,
                format!("contact {id} was erased"),
            ))
        }
        state => state.held().cloned().ok_or_else(|| {
            Problem::of_kind(
                shared::ErrorKind::NotFound,
                format!("contact {id} does not exist"),
            )
        })?,
    };
    let mut clients = Vec::new();
    for client_id in &record.clients {
        let client = invocation.load::<Client>(client_id).await?;
        clients.push(LinkedClient {
            client_id: client_id.clone(),
            name: client.state.active(client_id).ok().map(|c| c.name.clone()),
        });
    }
    let mut interactions = Vec::new();
    let mut cases: Vec<&str> = record.mentions.iter().map(|m| m.case_id.as_str()).collect();
    cases.dedup();
    for case_id in cases {
        let case = invocation.load::<Case>(case_id).await?;
        interactions.extend(naming(case_id, &case.state, &id));
    }
    json_response(
        StatusCode::OK,
        &Export {
            contact_id: id,
            exported_at: shared::envelope::rfc3339(invocation.now),
            deleted: matches!(contact.state, Contact::Deleted(_)),
            history: events.iter().map(shared::history::entry).collect(),
            record,
            clients,
            interactions,
        },
    )
}
