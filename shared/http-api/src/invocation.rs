//! What a slice's handler is given for one request.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crypto_shredding::KeyStore;
use event_sourcing::projection::ProjectionStore;
use event_sourcing::store::ResealStore;
use event_sourcing::CommandService;

use crate::paging::CursorKey;

/// One request's context: the core's command service (load, decide, append; who asked and
/// when), and what only the edges need beside it. It dereferences to the command service,
/// so a handler reads `invocation.execute(..)` as the one path every command takes.
#[derive(Clone)]
pub struct Invocation {
    pub commands: CommandService,
    /// The same store as stored, for erasure's one rewrite of stored events.
    pub resealing: Arc<dyn ResealStore>,
    /// People's data keys (see the `crypto-shredding` crate).
    pub keys: Arc<dyn KeyStore>,
    /// Read models, for query slices.
    pub views: Arc<dyn ProjectionStore>,
    /// What list and history cursors are sealed with.
    pub cursors: CursorKey,
}

impl Deref for Invocation {
    type Target = CommandService;

    fn deref(&self) -> &CommandService {
        &self.commands
    }
}

impl DerefMut for Invocation {
    fn deref_mut(&mut self) -> &mut CommandService {
        &mut self.commands
    }
}
