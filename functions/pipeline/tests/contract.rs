//! The contract's `PipelineStages`, which opportunities read, holds what the pipeline aggregate
//! holds: folded from the same events, or restored from the aggregate's snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use contracts::pipeline_stream::PipelineStages;
use event_sourcing::store::Snapshot;
use event_sourcing::Aggregate;
use pipeline::fixtures::{added, archived, created, edited};
use pipeline::Pipeline;

fn as_contract(pipeline: &Pipeline) -> PipelineStages {
    match pipeline {
        Pipeline::Active(details) => PipelineStages(Some(details.clone())),
        Pipeline::NotCreated => PipelineStages(None),
    }
}

#[test]
fn the_contract_folds_and_restores_every_prefix_of_a_pipelines_life_as_the_aggregate() {
    let life = [
        added("demo", "Demo", 40, 2),
        created(),
        added("demo", "Demo", 40, 2),
        edited("demo", ("First call", 10, 0), ("Demo", 40, 2)),
        archived("qualify"),
        added("close", "Close", 80, 3),
    ];
    for end in 0..=life.len() {
        let events = life.get(..end).unwrap();
        let pipeline = Pipeline::from_events(events);
        assert_eq!(PipelineStages::from_events(events), as_contract(&pipeline));
        let snapshot = Snapshot {
            version: end as u64,
            shape: Pipeline::SNAPSHOT_SHAPE.unwrap(),
            state: serde_json::to_string(&pipeline).unwrap(),
        };
        assert_eq!(
            PipelineStages::restore(&snapshot),
            Some(as_contract(&pipeline))
        );
    }
    let stale = Snapshot {
        version: 1,
        shape: Pipeline::SNAPSHOT_SHAPE.unwrap() + 1,
        state: "\"NotCreated\"".into(),
    };
    assert_eq!(PipelineStages::restore(&stale), None);
}
