//! [`Handle`]: an open database with the configuration it was opened with and the embedders
//! kept for it. Cheap to clone; the faces keep one and pass it to every API call.

use std::sync::Arc;

use sqlx::PgPool;

use dtrag_core::db::open;
use dtrag_core::models::Embedders;
use dtrag_core::taxonomy::PublishMeta;
use dtrag_core::Result;

use crate::config::Config;
use crate::database::Target;
use crate::sample::{self, SampleReport};

#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    config: Config,
    embedders: Arc<Embedders>,
    embedded: bool,
    /// This open launched the embedded server (it was not running): the one to stop at the end.
    launched: bool,
    /// This open found the embedded server crashed and recovered it.
    recovered: bool,
}

impl Handle {
    /// Opens `target` with up to `connections` connections. The embedded cluster is started and
    /// migrated as needed and, when it is new (no taxonomy version yet), loaded with the sample
    /// taxonomy and sample documents so a first start has something to browse and search. A
    /// server by URL is never migrated or filled implicitly.
    pub async fn open(
        target: &Target,
        config: Config,
        connections: u32,
    ) -> Result<(Handle, Option<SampleReport>)> {
        // Started here first to learn whether this open launched (or recovered) the server;
        // `open::open` then finds it running.
        let started = match target {
            Target::Embedded(cluster) => Some(cluster.start_detailed().await?),
            Target::Url { .. } => None,
        };
        let pool = open::open(target, connections).await?;
        let mut handle = Handle::from_pool(pool, config, target.is_embedded());
        if let (Some(s), Some(inner)) = (started, Arc::get_mut(&mut handle.inner)) {
            inner.launched = s.launched;
            inner.recovered = s.recovered;
        }
        let sample = if handle.inner.embedded {
            sample::load_if_new(&handle).await?
        } else {
            None
        };
        Ok((handle, sample))
    }

    /// A handle over a pool opened elsewhere (tests, tools). `embedded` says whether the pool
    /// is the embedded cluster's.
    pub fn from_pool(pool: PgPool, config: Config, embedded: bool) -> Handle {
        let embedders = Arc::new(Embedders::new(config.embedders()));
        Handle {
            inner: Arc::new(Inner {
                pool,
                config,
                embedders,
                embedded,
                launched: false,
                recovered: false,
            }),
        }
    }

    /// Another handle on `pool` with `config` (this one's, with another author, say) and this
    /// one's loaded embedders: many clients in one process (`dtrag bench load`), each on its own
    /// connections, share one copy of the embedding model instead of loading it each.
    pub fn with_pool(&self, pool: PgPool, config: Config) -> Handle {
        Handle {
            inner: Arc::new(Inner {
                pool,
                config,
                embedders: Arc::clone(&self.inner.embedders),
                embedded: self.inner.embedded,
                // Not the one that started the server: closing it never stops the cluster.
                launched: false,
                recovered: false,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Who publishes through this handle.
    pub fn author(&self) -> &str {
        &self.inner.config.author
    }

    pub fn is_embedded(&self) -> bool {
        self.inner.embedded
    }

    /// Whether opening this handle launched the embedded server (so closing should stop it).
    pub fn launched_cluster(&self) -> bool {
        self.inner.launched
    }

    /// Whether opening this handle found the embedded server crashed and recovered it.
    pub fn recovered_cluster(&self) -> bool {
        self.inner.recovered
    }

    /// The pool, for tools and tests that need SQL of their own; the faces never do.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    pub(crate) fn embedders(&self) -> Arc<Embedders> {
        Arc::clone(&self.inner.embedders)
    }

    pub(crate) fn meta(
        &self,
        message: Option<String>,
        default: impl FnOnce() -> String,
    ) -> PublishMeta {
        PublishMeta {
            author: self.author().to_string(),
            message: message
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(default),
        }
    }

    /// Closes the pool (and stops the embedded cluster when `stop_embedded`).
    pub async fn close(&self, stop_embedded: bool) -> Result<()> {
        self.inner.pool.close().await;
        if stop_embedded && self.inner.embedded {
            crate::database::cluster(&self.inner.config).stop().await?;
        }
        Ok(())
    }
}
