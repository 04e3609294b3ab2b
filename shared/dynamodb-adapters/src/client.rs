//! The DynamoDB client the stores share, built when a request first needs it.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use aws_sdk_dynamodb::Client;

type Build = Box<dyn FnOnce() -> Client + Send>;

/// A DynamoDB client, built on first use. Lambda's cold start is the time until a function asks
/// for its first event; building the SDK client (its HTTPS connector, TLS context and trust
/// store) can wait for the first request that touches DynamoDB, and a request answered before
/// that (a 400, a 401) never pays for it. Clones share one client.
#[derive(Clone)]
pub struct DynamoClient(Arc<LazyLock<Client, Build>>);

impl DynamoClient {
    pub fn lazy(build: impl FnOnce() -> Client + Send + 'static) -> Self {
        Self(Arc::new(LazyLock::new(Box::new(build))))
    }
}

impl From<Client> for DynamoClient {
    fn from(client: Client) -> Self {
        Self::lazy(move || client)
    }
}

impl Deref for DynamoClient {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.0
    }
}

/// One store's table, reached through the shared client; `K` says which store it is (its
/// operations are implemented for that kind alone).
#[derive(Clone, Debug)]
pub struct DynamoTable<K> {
    pub(crate) client: DynamoClient,
    pub(crate) table: String,
    kind: PhantomData<K>,
}

impl<K> DynamoTable<K> {
    pub fn new(client: impl Into<DynamoClient>, table: impl Into<String>) -> Self {
        Self {
            client: client.into(),
            table: table.into(),
            kind: PhantomData,
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

impl fmt::Debug for DynamoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DynamoClient")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_client_is_built_once_when_first_used_and_shared_by_clones() {
        static BUILT: AtomicUsize = AtomicUsize::new(0);
        let client = DynamoClient::lazy(|| {
            BUILT.fetch_add(1, Ordering::SeqCst);
            let config = aws_sdk_dynamodb::Config::builder()
                .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
                .region(aws_sdk_dynamodb::config::Region::new("eu-west-1"))
                .build();
            Client::from_conf(config)
        });
        let clone = client.clone();
        assert_eq!(BUILT.load(Ordering::SeqCst), 0, "built before first use");
        assert_eq!(
            clone.config().region().map(|r| r.as_ref()),
            Some("eu-west-1")
        );
        let _ = client.config();
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }
}
