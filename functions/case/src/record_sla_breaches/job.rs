use std::collections::BTreeSet;
use std::time::Instant;

use event_sourcing::projection::{sortable, Index};
use event_sourcing::{AppendError, CommandError, Expected, StoreError};
use http_api::paging::{self, MAX_LIMIT};
use http_api::Invocation;
use lambda_host::TimeBudget;
use serde_json::{json, Value};

use super::{decide, RecordSlaBreaches};
use crate::case::Case;
use crate::get_sla_report::TO_RECORD;

/// One run: every case whose earliest unrecorded due instant is before now, page by page,
/// until none is left or the run's time is spent (the next run goes on from there). A case
/// another writer moved meanwhile is left to the next run; an outage fails the run.
pub async fn run(invocation: Invocation, budget: TimeBudget) -> Result<Value, String> {
    let started = Instant::now();
    let partitions = [TO_RECORD.to_owned()];
    let to = Some(sortable(invocation.now));
    let mut cursor: Option<String> = None;
    let mut seen = BTreeSet::new();
    let (mut recorded, mut conflicts) = (0, 0);
    loop {
        let page = paging::page(
            invocation.views.as_ref(),
            Index::List,
            &partitions,
            to.clone(),
            MAX_LIMIT,
            cursor.as_deref(),
            &invocation.cursors,
        )
        .await
        .map_err(|e| e.to_string())?;
        for (_, stored) in page.items {
            let Some(case_id) = stored
                .view
                .as_ref()
                .and_then(|v| v.get("caseId"))
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                continue;
            };
            if !seen.insert(case_id.clone()) {
                continue;
            }
            let command = RecordSlaBreaches {
                now: invocation.now,
            };
            match invocation
                .execute::<Case, _>(&case_id, Expected::Any, |state| decide(state, command))
                .await
            {
                Ok(outcome) => recorded += outcome.events.len(),
                Err(CommandError::Append(AppendError::Store(StoreError::Conflict { .. }))) => {
                    conflicts += 1
                }
                Err(error) => return Err(format!("case {case_id}: {error}")),
            }
        }
        cursor = page.next_cursor;
        if cursor.is_none() || started.elapsed() > budget.request() / 2 {
            break;
        }
    }
    Ok(json!({
        "casesRead": seen.len(),
        "breachesRecorded": recorded,
        "leftForTheNextRun": conflicts + usize::from(cursor.is_some()),
    }))
}
