//! One registry per aggregate: its slices, each with its Lambda function, routes, handler,
//! subscribers, read models and the DynamoDB access it needs.
//!
//! Everything else is derived from the registries or checked against them: each Lambda `main`
//! looks its slice up by binary name; the test router, the stream consumer and
//! `rebuild-projections` take their handlers, subscribers and projections from here; and
//! `cargo xtask generate` writes the `[[bin]]` entries, the local router and the template's
//! function blocks from here (a test fails while they are stale).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lambda_http::{Body, Request, Response};

use event_sourcing::personal::PersonalData;
use event_sourcing::projection::{Projection, View, ViewProjection};
use event_sourcing::{Aggregate, DomainEvent, EventEnvelope, Policy, Subscribers};

pub use crate::auth::Scope;
use crate::{Invocation, Problem};

pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Problem>> + Send>>;
pub type Handler = Arc<dyn Fn(Invocation, Request) -> HandlerFuture + Send + Sync>;

/// One method and path of a slice, with its handler: what a router matches.
#[derive(Clone)]
pub struct Route {
    pub method: &'static str,
    /// API Gateway syntax: `/api/clients/{id}/contacts/{contactId}`.
    pub path: &'static str,
    /// The Lambda binary serving it.
    pub function: &'static str,
    /// What the caller's token must grant.
    pub scope: Scope,
    pub handler: Handler,
}

impl Route {
    /// The path parameters if `path` (no query) matches this route's pattern.
    pub fn matches(&self, method: &str, path: &str) -> Option<Vec<(String, String)>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let pattern: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
        if pattern.len() != actual.len() {
            return None;
        }
        let mut params = Vec::new();
        for (expected, given) in pattern.iter().zip(&actual) {
            match expected.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => params.push((name.to_owned(), (*given).to_owned())),
                None if expected == given => {}
                None => return None,
            }
        }
        Some(params)
    }

    /// How many literal segments: API Gateway prefers the most specific route.
    pub fn specificity(&self) -> usize {
        self.path.split('/').filter(|s| !s.starts_with('{')).count()
    }
}

/// What a function does with DynamoDB: the template grants exactly the actions this names, on
/// the partitions of the streams the slice declares (and its idempotency records if it appends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Starts new streams of its aggregate without loading them (a create; it may load other
    /// aggregates' streams, see [`Slice::reads`]): `PutItem` on the event store.
    Append,
    /// Loads its aggregate's streams, then appends: `Query` and `PutItem` on the event store.
    ReadAndAppend,
    /// Reads streams: `Query` on the event store.
    ReadStreams,
    /// Reads read models: `Query` on the projection store and its indexes.
    ReadModels,
}

impl Access {
    /// Whether it loads its aggregate's streams (a create does not).
    pub fn loads_streams(self) -> bool {
        matches!(self, Access::ReadAndAppend | Access::ReadStreams)
    }

    /// Whether it appends (and so records idempotency keys).
    pub fn appends(self) -> bool {
        matches!(self, Access::Append | Access::ReadAndAppend)
    }

    /// The scope a caller needs: writing for what appends, reading for the rest.
    pub fn scope(self) -> Scope {
        match self {
            Access::Append | Access::ReadAndAppend => Scope::Write,
            Access::ReadStreams | Access::ReadModels => Scope::Read,
        }
    }
}

/// What a slice writes to the key table (see the `crypto-shredding` crate); every slice that loads
/// streams holding sealed data reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyWrites {
    /// Appends personal data: reads the person's key, making it on first use.
    Seal,
    /// Destroys people's keys (erasure).
    Destroy,
}

/// One use case: a Lambda function and everything it brings.
pub struct Slice {
    /// The Lambda binary, e.g. `create-contact`.
    pub function: &'static str,
    pub access: Access,
    /// What the caller's token must grant: from `access` unless [`Slice::admin`] says more.
    pub scope: Scope,
    /// The stream types it loads: its aggregate's (unless it only creates), its policies'
    /// targets' and those it [`Slice::reads`]. IAM lets it query no other partition.
    pub reads: Vec<&'static str>,
    /// The stream types it appends to: its aggregate's and its policies' targets'.
    pub writes: Vec<&'static str>,
    /// Method and API Gateway path of each route it serves.
    pub routes: Vec<(&'static str, &'static str)>,
    pub handler: Handler,
    /// The synchronous subscribers its appends run.
    pub subscribers: Subscribers,
    /// The read models its queries read (the stream consumer builds them).
    pub projections: Vec<Arc<dyn Projection>>,
    /// What it writes to the key table, if anything.
    pub key_writes: Option<KeyWrites>,
}

impl Slice {
    pub fn new<H, F>(function: &'static str, access: Access, handler: H) -> Self
    where
        H: Fn(Invocation, Request) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Response<Body>, Problem>> + Send + 'static,
    {
        Self {
            function,
            access,
            scope: access.scope(),
            reads: Vec::new(),
            writes: Vec::new(),
            routes: Vec::new(),
            handler: Arc::new(move |invocation, request| Box::pin(handler(invocation, request))),
            subscribers: Subscribers::new(),
            projections: Vec::new(),
            key_writes: None,
        }
    }

    /// It appends events holding personal data, sealed with the person's key.
    pub fn seals_personal_data(mut self) -> Self {
        self.key_writes = Some(KeyWrites::Seal);
        self
    }

    /// It destroys people's data keys.
    pub fn destroys_keys(mut self) -> Self {
        self.key_writes = Some(KeyWrites::Destroy);
        self
    }

    /// An administrative operation: its callers need the admin scope.
    pub fn admin(mut self) -> Self {
        self.scope = Scope::Admin;
        self
    }

    pub fn route(mut self, method: &'static str, path: &'static str) -> Self {
        self.routes.push((method, path));
        self
    }

    /// Runs this policy before each append of the event type it listens to.
    pub fn policy<P: Policy>(mut self, policy: P) -> Self {
        self.subscribers = self.subscribers.policy(policy);
        // A policy loads its targets and appends to them.
        let target = <P::Target as Aggregate>::TYPE;
        add(&mut self.reads, target);
        add(&mut self.writes, target);
        self
    }

    /// Its handler loads streams of another aggregate too.
    pub fn reads<A: Aggregate>(mut self) -> Self {
        add(&mut self.reads, A::TYPE);
        self
    }
}

fn add(streams: &mut Vec<&'static str>, stream_type: &'static str) {
    if !streams.contains(&stream_type) {
        streams.push(stream_type);
    }
}

impl Slice {
    /// Its own aggregate's streams, as its access uses them.
    fn owned_by(mut self, aggregate: &'static str) -> Self {
        if self.access.loads_streams() && !self.reads.contains(&aggregate) {
            self.reads.insert(0, aggregate);
        }
        if self.access.appends() && !self.writes.contains(&aggregate) {
            self.writes.insert(0, aggregate);
        }
        self
    }

    /// The read model its queries read, built by the stream consumer.
    pub fn view<V: View>(self) -> Self {
        self.projection(Arc::new(ViewProjection::<V>::default()))
    }

    /// A read model written as a [`Projection`] (one that needs each event's envelope).
    pub fn projection(mut self, projection: Arc<dyn Projection>) -> Self {
        self.projections.push(projection);
        self
    }
}

/// Reads which fields of a stored event are whose personal data.
pub type PersonalOf = fn(&EventEnvelope) -> Option<PersonalData>;

fn personal_of<A: Aggregate>(event: &EventEnvelope) -> Option<PersonalData> {
    event.decode::<A::Event>().ok()?.personal_data()
}

/// The slices of one aggregate (or of several, merged).
#[derive(Default)]
pub struct Registry {
    /// The aggregate's stream type, also its crate's folder under `functions/` (for a registry
    /// [`Registry::across`] aggregates, only the folder).
    pub aggregate: &'static str,
    pub slices: Vec<Slice>,
    /// For each stream type whose events may hold personal data, how to read which.
    pub personal: Vec<(&'static str, PersonalOf)>,
}

impl Registry {
    pub fn new(aggregate: &'static str, slices: Vec<Slice>) -> Self {
        let slices = slices
            .into_iter()
            .map(|slice| slice.owned_by(aggregate))
            .collect();
        Self {
            aggregate,
            slices,
            personal: Vec::new(),
        }
    }

    /// `A`'s events may hold personal data (see `DomainEvent::personal_data`).
    pub fn holding_personal_data<A: Aggregate>(mut self) -> Self {
        self.personal.push((A::TYPE, personal_of::<A>));
        self
    }

    /// Which fields of a stored event are whose personal data, by its aggregate's code.
    pub fn personal_data(&self, event: &EventEnvelope) -> Option<PersonalData> {
        self.personal
            .iter()
            .find(|(stream_type, _)| *stream_type == event.aggregate_type)
            .and_then(|(_, personal_of)| personal_of(event))
    }

    /// Slices that own no stream: they read other aggregates' streams (each declared with
    /// [`Slice::reads`]), as a person's export reads every aggregate. `folder` is the crate's
    /// folder under `functions/`.
    pub fn across(folder: &'static str, slices: Vec<Slice>) -> Self {
        Self {
            aggregate: folder,
            slices,
            personal: Vec::new(),
        }
    }

    /// The slices of every registry, for a process that serves them all (tests, a local router).
    pub fn merge(registries: impl IntoIterator<Item = Registry>) -> Self {
        registries.into_iter().fold(
            Self {
                aggregate: "*",
                ..Self::default()
            },
            |mut all, registry| {
                all.slices.extend(registry.slices);
                all.personal.extend(registry.personal);
                all
            },
        )
    }

    pub fn slice(&self, function: &str) -> Option<&Slice> {
        self.slices.iter().find(|s| s.function == function)
    }

    pub fn routes(&self) -> Vec<Route> {
        self.slices
            .iter()
            .flat_map(|slice| {
                slice.routes.iter().map(|(method, path)| Route {
                    method,
                    path,
                    function: slice.function,
                    scope: slice.scope,
                    handler: slice.handler.clone(),
                })
            })
            .collect()
    }

    /// Every slice's subscribers together.
    pub fn subscribers(&self) -> Subscribers {
        self.slices.iter().fold(Subscribers::new(), |all, slice| {
            all.merge(slice.subscribers.clone())
        })
    }

    /// The stream types whose events may hold sealed personal data: those its sealing slices
    /// append to whose aggregate says its events hold some (a task's policies append to a
    /// client's stream too, without sealing anything there). Whoever loads them reads keys.
    pub fn sealed_streams(&self) -> Vec<&'static str> {
        let mut streams = Vec::new();
        for slice in &self.slices {
            if slice.key_writes == Some(KeyWrites::Seal) {
                for stream in &slice.writes {
                    if self.personal.iter().any(|(holding, _)| holding == stream) {
                        add(&mut streams, stream);
                    }
                }
            }
        }
        streams
    }

    /// Every read model, once, though several slices read it.
    pub fn projections(&self) -> Vec<Arc<dyn Projection>> {
        let mut projections: Vec<Arc<dyn Projection>> = Vec::new();
        for projection in self.slices.iter().flat_map(|slice| &slice.projections) {
            let known = projections
                .iter()
                .any(|p| (p.source(), p.name()) == (projection.source(), projection.name()));
            if !known {
                projections.push(projection.clone());
            }
        }
        projections
    }
}
