//! What `cargo xtask` shares with its tests.

pub mod generate;
pub mod generators;
pub mod template;
