//! What lives for the whole process, built once at cold start, and each request's invocation.

use std::sync::Arc;

use crypto_shredding::{CachedKeyStore, InMemoryKeyStore, KeyStore, SealedStore};
use dynamodb_adapters::dynamo_stores_from_env;
use event_sourcing::projection::{InMemoryProjectionStore, ProjectionStore};
use event_sourcing::store::Storage;
use event_sourcing::{CommandService, EventWriter, Subscribers, TraceContext, WriteMode};
use http_api::auth::Auth;
use http_api::paging::CursorKey;
use http_api::Invocation;
use time::OffsetDateTime;

use crate::budget::TimeBudget;

/// What lives for the whole process: built once at cold start.
#[derive(Clone)]
pub struct App {
    pub auth: Auth,
    pub cursors: CursorKey,
    /// The event store as stored (personal data sealed).
    pub stored: Arc<dyn Storage>,
    /// The same, sealing and opening personal data with `keys`.
    pub store: Arc<dyn Storage>,
    /// People's data keys: erasure destroys one.
    pub keys: Arc<dyn KeyStore>,
    pub views: Arc<dyn ProjectionStore>,
    pub subscribers: Arc<Subscribers>,
    pub mode: WriteMode,
    pub budget: TimeBudget,
}

impl App {
    /// An app on this event store, with in-memory data keys, and an empty in-memory projection
    /// store until [`App::with_views`] gives it one.
    pub fn new(store: Arc<dyn Storage>, subscribers: Subscribers, mode: WriteMode) -> Self {
        Self::sealed_with(store, Arc::new(InMemoryKeyStore::new()), subscribers, mode)
    }

    /// An app whose events' personal data is sealed with these keys.
    pub fn sealed_with(
        events: Arc<dyn Storage>,
        keys: Arc<dyn KeyStore>,
        subscribers: Subscribers,
        mode: WriteMode,
    ) -> Self {
        Self {
            auth: Auth::Open,
            cursors: CursorKey::random(),
            store: Arc::new(SealedStore::new(events.clone(), keys.clone())),
            stored: events,
            keys,
            views: Arc::new(InMemoryProjectionStore::new()),
            subscribers: Arc::new(subscribers),
            mode,
            budget: TimeBudget::from_env(),
        }
    }

    pub fn with_views(mut self, views: Arc<dyn ProjectionStore>) -> Self {
        self.views = views;
        self
    }

    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// DynamoDB from the standard AWS environment (`AWS_ENDPOINT_URL_DYNAMODB` points it at a
    /// local emulator), table from `EVENT_STORE_TABLE`, mode from `EVENT_STORE_MODE`, who may
    /// call from `AUTH_MODE` (which must be set: no function runs open by accident).
    pub async fn from_env(subscribers: Subscribers) -> Result<Self, lambda_http::Error> {
        let mode = WriteMode::parse(std::env::var("EVENT_STORE_MODE").ok().as_deref())?;
        let auth = Auth::from_env()?;
        let stores = dynamo_stores_from_env(TimeBudget::from_env().sdk_timeouts()).await;
        Ok(Self {
            cursors: CursorKey::from_env(),
            ..Self::sealed_with(stores.events, stores.keys, subscribers, mode)
                .with_views(stores.views)
                .with_auth(auth)
        })
    }

    pub fn invocation(&self, trace: TraceContext, now: OffsetDateTime) -> Invocation {
        // Keys are remembered for this request only (see `CachedKeyStore`).
        let keys: Arc<dyn KeyStore> = Arc::new(CachedKeyStore::new(self.keys.clone()));
        let store = Arc::new(SealedStore::new(self.stored.clone(), keys.clone()));
        Invocation {
            commands: CommandService {
                store: store.clone(),
                writer: EventWriter::new(store.clone(), self.subscribers.clone(), self.mode),
                trace,
                now,
            },
            resealing: store,
            keys,
            views: self.views.clone(),
            cursors: self.cursors.clone(),
        }
    }
}
