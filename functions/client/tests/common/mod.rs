//! Every contact and client slice behind one test router, with every subscriber registered.

#![allow(dead_code)]

use std::sync::Arc;

use shared::runtime::App;
use shared::store::EventStore;
use shared::testing::Router;
use shared::{EventEnvelope, StreamId, WriteMode};

pub struct Api {
    router: Router,
    pub store: Arc<dyn EventStore>,
}

impl std::ops::Deref for Api {
    type Target = Router;
    fn deref(&self) -> &Router {
        &self.router
    }
}

impl Api {
    pub fn new(store: Arc<dyn EventStore>, mode: WriteMode) -> Self {
        let subscribers = contact::delete_contact::subscribers().merge(client::subscribers());
        let routes = [contact::routes(), client::routes()].concat();
        Self {
            router: Router::new(App::new(store.clone(), subscribers, mode), routes),
            store,
        }
    }

    pub fn memory() -> Self {
        Self::new(
            Arc::new(shared::store::InMemoryEventStore::new()),
            WriteMode::Direct,
        )
    }

    pub async fn events(&self, aggregate_type: &str, id: &str) -> Vec<EventEnvelope> {
        self.store
            .load(&StreamId::new(aggregate_type, id))
            .await
            .unwrap()
    }
}
