//! list-opportunities: `GET /api/opportunities?clientId=|ownerId=|pipelineId=[&stageId=]`
//! `[&status=open|won|lost|all]`, sorted by close date then id, paged.
//!
//! One read model per filter, each one index query per page: an opportunity's item sits in
//! the `ByList` partition of its status and in the `ByLookup` partition of `all`, both sorted
//! by `<closeDate>#<id>`. A move, a close or a reopen moves it between partitions as soon as
//! the stream consumer has the event. The client's list also keeps `openOpportunityCount` on
//! the client's summary item.

#[cfg(feature = "lambda")]
mod http;

use std::marker::PhantomData;

use contracts::client_summary::{summary_key, OPEN_OPPORTUNITY_COUNT};
use event_sourcing::projection::{CounterDelta, Index, IndexEntry, View};
use event_sourcing::Aggregate;
#[cfg(feature = "lambda")]
pub use http::{handle, slice};
use serde::{Deserialize, Serialize};

use crate::opportunity::{Opportunity, OpportunityDetails, OpportunityEvent, Status};

/// What one list filters by.
pub trait Filter: Send + Sync + 'static {
    /// The read model's name (its items' `SK`).
    const NAME: &'static str;
    /// The query parameter, and its partitions' prefix.
    const PARAMETER: &'static str;
    /// The value an opportunity is listed under.
    fn key(details: &OpportunityDetails) -> String;
    /// Counters it keeps on other items.
    fn counters(
        _before: Option<&OpportunityDetails>,
        _after: Option<&OpportunityDetails>,
    ) -> Vec<CounterDelta> {
        Vec::new()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByClient;
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByOwner;
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByPipeline;
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByStage;

fn is_open(details: Option<&OpportunityDetails>) -> bool {
    details.is_some_and(|d| d.status == Status::Open)
}

impl Filter for ByClient {
    const NAME: &'static str = "opportunities-by-client";
    const PARAMETER: &'static str = "clientId";
    fn key(details: &OpportunityDetails) -> String {
        details.client_id.clone()
    }
    /// The client's open-opportunity count moves as an opportunity opens, closes or reopens.
    fn counters(
        before: Option<&OpportunityDetails>,
        after: Option<&OpportunityDetails>,
    ) -> Vec<CounterDelta> {
        let delta = i64::from(is_open(after)) - i64::from(is_open(before));
        match (delta, after.or(before)) {
            (0, _) | (_, None) => Vec::new(),
            (delta, Some(details)) => vec![CounterDelta::new(
                summary_key(&details.client_id),
                OPEN_OPPORTUNITY_COUNT,
                delta,
            )],
        }
    }
}

impl Filter for ByOwner {
    const NAME: &'static str = "opportunities-by-owner";
    const PARAMETER: &'static str = "ownerId";
    fn key(details: &OpportunityDetails) -> String {
        details.owner_id.clone()
    }
}

impl Filter for ByPipeline {
    const NAME: &'static str = "opportunities-by-pipeline";
    const PARAMETER: &'static str = "pipelineId";
    fn key(details: &OpportunityDetails) -> String {
        details.pipeline_id.clone()
    }
}

impl Filter for ByStage {
    const NAME: &'static str = "opportunities-by-stage";
    const PARAMETER: &'static str = "stageId";
    fn key(details: &OpportunityDetails) -> String {
        format!("{}#{}", details.pipeline_id, details.stage_id)
    }
}

/// The partition of one filter's list: `<parameter>#<key>#<status or all>`.
pub fn partition(parameter: &str, key: &str, status: Option<Status>) -> String {
    let status = status.map_or("all", Status::name);
    format!("opportunities#{parameter}#{key}#{status}")
}

/// An opportunity as one list holds it: its state, folded by the aggregate's own `evolve`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent, bound = "")]
pub struct Listed<F> {
    pub details: OpportunityDetails,
    #[serde(skip)]
    filter: PhantomData<F>,
}

impl<F: Filter> View for Listed<F> {
    type Event = OpportunityEvent;
    const NAME: &'static str = F::NAME;
    const SOURCE: &'static str = contracts::streams::OPPORTUNITY;

    fn apply(view: Option<Self>, event: &OpportunityEvent) -> Option<Self> {
        let state = view.map_or(Opportunity::NotCreated, |v| Opportunity::Active(v.details));
        match state.evolve(event) {
            Opportunity::Active(details) => Some(Listed {
                details: details.without_roles(),
                filter: PhantomData,
            }),
            Opportunity::NotCreated => None,
        }
    }

    fn index(&self) -> Vec<IndexEntry> {
        let key = F::key(&self.details);
        let sk = format!(
            "{}#{}",
            crate::dates::text(self.details.close_date),
            self.details.opportunity_id
        );
        vec![
            IndexEntry {
                index: Index::List,
                pk: partition(F::PARAMETER, &key, Some(self.details.status)),
                sk: sk.clone(),
            },
            IndexEntry {
                index: Index::Lookup,
                pk: partition(F::PARAMETER, &key, None),
                sk,
            },
        ]
    }

    fn counters(before: Option<&Self>, after: Option<&Self>) -> Vec<CounterDelta> {
        F::counters(before.map(|v| &v.details), after.map(|v| &v.details))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::fixtures::{created, moved, reopened, won};
    use event_sourcing::projection::ItemKey;
    use time::macros::datetime;

    #[test]
    fn an_opportunity_moves_between_its_lists_partitions_and_the_clients_count_follows() {
        let at = datetime!(2026-02-01 10:00 UTC);
        let open = Listed::<ByStage>::apply(None, &created()).unwrap();
        assert_eq!(open.index()[0].pk, "opportunities#stageId#p1#qualify#open");
        assert_eq!(open.index()[0].sk, "2027-03-31#o1");
        assert_eq!(open.index()[1].pk, "opportunities#stageId#p1#qualify#all");
        let moved = Listed::<ByStage>::apply(Some(open), &moved("qualify", "propose", at)).unwrap();
        assert_eq!(moved.index()[0].pk, "opportunities#stageId#p1#propose#open");

        let open = Listed::<ByClient>::apply(None, &created());
        let counters = Listed::<ByClient>::counters(None, open.as_ref());
        assert_eq!(
            (counters[0].key.clone(), counters[0].delta),
            (ItemKey::new("client#k1", "summary"), 1)
        );
        let closed = Listed::<ByClient>::apply(open.clone(), &won("qualify", at));
        assert_eq!(
            closed.as_ref().unwrap().index()[0].pk,
            "opportunities#clientId#k1#won"
        );
        assert_eq!(
            Listed::<ByClient>::counters(open.as_ref(), closed.as_ref())[0].delta,
            -1
        );
        let again = Listed::<ByClient>::apply(closed.clone(), &reopened("qualify", at));
        assert_eq!(
            Listed::<ByClient>::counters(closed.as_ref(), again.as_ref())[0].delta,
            1
        );
        assert!(Listed::<ByOwner>::counters(
            None,
            Listed::<ByOwner>::apply(None, &created()).as_ref()
        )
        .is_empty());
    }
}
