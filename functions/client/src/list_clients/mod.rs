//! list-clients: `GET /api/clients`, cursor-paginated by name, each with its summary: name,
//! industry, contact count, open-case count (the last maintained by the open-cases projection).

mod http;

use contact::links::CLIENT_AGGREGATE_TYPE;
pub use http::handle;
use serde::{Deserialize, Serialize};
use shared::projection::{list_partition, Index, IndexEntry, View};

use crate::client::ClientEvent;

pub const LIST: &str = "clients";
/// The projection item name other projections address counters to.
pub const SUMMARY: &str = "summary";
pub const OPEN_CASE_COUNT: &str = "openCaseCount";

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
    const SOURCE: &'static str = CLIENT_AGGREGATE_TYPE;

    fn apply(view: Option<Self>, event: &ClientEvent) -> Option<Self> {
        match (view, event) {
            (_, ClientEvent::ClientCreated(created)) => Some(Self {
                client_id: created.client_id.clone(),
                name: created.name.clone(),
                industry: created.industry.clone(),
                contact_count: 0,
            }),
            (Some(view), ClientEvent::ClientEdited(edited)) => Some(Self {
                name: edited.name.clone(),
                industry: edited.industry.clone(),
                ..view
            }),
            (Some(view), ClientEvent::ContactLinked(_)) => Some(Self {
                contact_count: view.contact_count + 1,
                ..view
            }),
            (Some(view), ClientEvent::ContactUnlinked(_)) => Some(Self {
                contact_count: view.contact_count.saturating_sub(1),
                ..view
            }),
            (view, _) => view,
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
    use crate::create_client::ClientCreated;
    use contact::links::{ClientContactLink, ClientContactUnlink};

    #[test]
    fn given_links_and_unlinks_then_the_contact_count_follows() {
        let link = |c: &str| {
            ClientEvent::ContactLinked(ClientContactLink {
                client_id: "k1".into(),
                contact_id: c.into(),
            })
        };
        let events = [
            ClientEvent::ClientCreated(ClientCreated {
                client_id: "k1".into(),
                name: "Acme".into(),
                industry: None,
            }),
            link("c1"),
            link("c2"),
            ClientEvent::ContactUnlinked(ClientContactUnlink {
                client_id: "k1".into(),
                contact_id: "c1".into(),
                cause: Default::default(),
            }),
        ];
        let view = events.iter().fold(None, ClientSummary::apply).unwrap();
        assert_eq!(view.contact_count, 1);
        assert_eq!(view.index()[0].sk, "acme#k1");
    }
}
