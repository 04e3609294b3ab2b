//! The contracts between EventCRM's aggregates, in one place every side depends on.
//!
//! An aggregate owns its stream and its events. Where one aggregate's events are recorded
//! because of another's, or one read model writes into another's item, the shape both sides
//! agree on lives here, never in whichever crate happens to come first in the dependency order.
//! Changing anything here changes stored data or another aggregate's behaviour: add, never
//! rename.

pub mod business_time;
pub mod case_stream;
pub mod client_stream;
pub mod client_summary;
pub mod contact_stream;
pub mod feed;
pub mod links;
pub mod opportunity_stream;
pub mod pipeline_stream;
pub mod sla_stream;
pub mod streams;
pub mod task_stream;
