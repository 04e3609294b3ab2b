use crypto_shredding::seal_stored;
use event_sourcing::{Aggregate, DomainEvent, Expected};
use http_api::registry::{Access, Slice};
use http_api::Invocation;
use http_api::{path_id, versioned_response, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

use super::{decide, EraseContact};
use crate::contact::{Contact, ContactEvent};

pub fn slice() -> Slice {
    Slice::new("erase-contact", Access::ReadAndAppend, handle)
        .admin()
        .route("POST", "/api/contacts/{id}/erase")
        .destroys_keys()
}

/// What is left of an erased contact.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tombstone<'a> {
    contact_id: &'a str,
    erased: bool,
}

/// 200 with the tombstone, however many times it is asked.
pub async fn handle(invocation: Invocation, request: Request) -> Result<Response<Body>, Problem> {
    let id = path_id(&request, "id")?;
    let command = EraseContact {
        contact_id: id.clone(),
    };
    let outcome = invocation
        .execute::<Contact, _>(&id, Expected::Any, |state| decide(state, command))
        .await?;
    // The tombstone lands first (batch mode included), so nothing new can be recorded about
    // the person; then the key goes. A failure between the two is repaired by asking again.
    invocation.writer.flush().await?;
    // Events from before sealing existed are sealed now, so the key's end covers them too.
    let stream = Contact::stream(&id);
    let stored = invocation.resealing.load_stored(&stream).await?;
    seal_stored(
        invocation.resealing.as_ref(),
        invocation.keys.as_ref(),
        stored,
        &|event| event.decode::<ContactEvent>().ok()?.personal_data(),
    )
    .await?;
    invocation.keys.destroy(&stream.partition_key()).await?;
    versioned_response(
        StatusCode::OK,
        &Tombstone {
            contact_id: &id,
            erased: true,
        },
        outcome.version,
    )
}
