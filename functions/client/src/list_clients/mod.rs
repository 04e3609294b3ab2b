//! list-clients: `GET /api/clients`, cursor-paginated by name, each with its summary: name,
//! industry, contact count, open-case count (the last maintained by the list-open-cases projection).

#[cfg(feature = "lambda")]
mod http;

use contracts::client_summary::SUMMARY;
use event_sourcing::projection::{list_partition, Index, IndexEntry, View};
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::client::ClientEvent;

pub const LIST: &str = "clients";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    pub client_id: String,
    pub name: String,
    pub industry: Option<String>,
    pub contact_count: usize,
}

impl View for ClientSummary {
    type Event = ClientEvent;
    const NAME: &'static str = SUMMARY;
    const SOURCE: &'static str = contracts::streams::CLIENT;

    /// Every event is named, so a new one does not compile until this view decides on it.
    fn apply(view: Option<Self>, event: &ClientEvent) -> Option<Self> {
        match event {
            ClientEvent::ClientCreated(created) => Some(Self {
                client_id: created.client_id.clone(),
                name: created.name.clone(),
                industry: created.industry.clone(),
                contact_count: 0,
            }),
            ClientEvent::ClientEdited(edited) => view.map(|view| Self {
                name: edited.name.clone(),
                industry: edited.industry.clone(),
                ..view
            }),
            ClientEvent::ContactLinked(_) => view.map(|view| Self {
                contact_count: view.contact_count + 1,
                ..view
            }),
            ClientEvent::ContactUnlinked(_) => view.map(|view| Self {
                contact_count: view.contact_count.saturating_sub(1),
                ..view
            }),
            ClientEvent::TaskAttached(_) => view,
        }
    }

    fn index(&self) -> Vec<IndexEntry> {
        vec![IndexEntry {
            index: Index::List,
            pk: list_partition(LIST, &self.client_id),
            sk: format!("{}#{}", self.name.to_lowercase(), self.client_id),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{created, linked, unlinked};
    use contracts::links::UnlinkCause;

    #[test]
    fn given_links_and_unlinks_then_the_contact_count_follows() {
        let events = [
            created(),
            linked("c1"),
            linked("c2"),
            unlinked("c1", UnlinkCause::Requested),
        ];
        let view = events.iter().fold(None, ClientSummary::apply).unwrap();
        assert_eq!(view.contact_count, 1);
        assert_eq!(view.index()[0].sk, "acme#k1");
    }
}
