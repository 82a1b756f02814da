//! The database handle: which backend, and the connection pools to it.
//!
//! Each process opens two pools onto the same database. The store pool is
//! typed (`PgPool` or `SqlitePool`) because postgres-es and sqlite-es need
//! their own, and the log reader uses backend-specific SQL. The view pool is
//! sqlx's `Any` pool, so that each view is written once for both backends.

use std::str::FromStr;
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, Connection, Executor};

use crate::ProjectionError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }
}

pub(crate) use crate::pool::on_store;
pub use crate::pool::StorePool;

/// One per process; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub store: StorePool,
    pub views: AnyPool,
}

/// SQLite waits this long for the single write lock before giving up; a
/// replay batch or a burst of appends holds it for milliseconds.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool waits this long for a free connection before the request fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL connection idle for longer than this is pinged before the
/// pool hands it out, and replaced if the server has gone away (a restart,
/// a dropped idle connection). sqlx pings on every hand-out by default:
/// that is a round trip before each statement, as many as a webhook's whole
/// append, for connections that were in use a moment ago and are alive.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The check [`PING_IF_IDLE_FOR`] describes, as the pools' `before_acquire`.
fn ping_if_idle<C: Connection>(
    conn: &mut C,
    meta: PoolConnectionMetadata,
) -> BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(async move {
        if meta.idle_for >= PING_IF_IDLE_FOR {
            conn.ping().await?;
        }
        Ok(true)
    })
}

/// The options of a view pool of `max` connections, each of which runs
/// `setup` as it opens: the `Any` driver takes no backend options, so they
/// are set in SQL.
fn views_pool(max: u32, setup: &'static str) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(setup).await?;
                Ok(())
            })
        })
}

impl Db {
    /// Connects to `postgres://…` or `sqlite://…`, creating a SQLite file
    /// that does not exist yet.
    ///
    /// # Errors
    /// An unknown scheme, or a database that cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, ProjectionError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else {
            Err(ProjectionError::UnknownBackend(url.to_owned()))
        }
    }

    async fn connect_postgres(url: &str) -> Result<Self, ProjectionError> {
        // Twenty connections each is well inside PostgreSQL's default 100
        // even with several Riff processes on one server.
        let options = PgConnectOptions::from_str(url)?;
        let store = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .before_acquire(ping_if_idle)
            .connect_with(options)
            .await?;
        // The inventory filters' selectivity varies wildly (a text search
        // may match 3 rows or 30,000); a cached generic plan picked for one
        // is ruinous for the other. Plan each query for its own arguments.
        let views = views_pool(20, "set plan_cache_mode = force_custom_plan")
            .test_before_acquire(false)
            .before_acquire(ping_if_idle)
            .connect(url)
            .await?;
        Ok(Self {
            store: StorePool::Postgres(store),
            views,
        })
    }

    async fn connect_sqlite(url: &str) -> Result<Self, ProjectionError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            // WAL lets readers read while the one writer writes.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let store = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        let views = views_pool(
            8,
            "pragma busy_timeout = 10000; pragma synchronous = normal",
        )
        .connect(url)
        .await?;
        Ok(Self {
            store: StorePool::Sqlite(store),
            views,
        })
    }

    pub fn backend(&self) -> Backend {
        match self.store {
            StorePool::Postgres(_) => Backend::Postgres,
            StorePool::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Applies the migrations embedded in the binary that have not run yet,
    /// and links to the log's hash chain the events that were there before
    /// it.
    ///
    /// # Errors
    /// A migration that fails, or one that was edited after it was applied.
    pub async fn migrate(&self) -> Result<(), ProjectionError> {
        match &self.store {
            StorePool::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
            StorePool::Sqlite(pool) => {
                sqlx::migrate!("../migrations/sqlite").run(pool).await?;
                // PostgreSQL's migration links the existing log in SQL;
                // SQLite has no SHA-256 there, so it is done here.
                crate::log::chain::backfill_sqlite(pool).await?;
            }
        }
        Ok(())
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match &self.store {
            StorePool::Postgres(pool) => pool.close().await,
            StorePool::Sqlite(pool) => pool.close().await,
        }
        self.views.close().await;
    }
}

impl Db {
    /// Takes the next number of a counter that never repeats a number, even
    /// across processes: the upsert is one atomic statement on both
    /// backends.
    ///
    /// # Errors
    /// The database could not be written.
    pub async fn next_counter(&self, name: &str) -> Result<u64, ProjectionError> {
        let value: i64 = sqlx::query_scalar(
            "insert into counters (name, value) values ($1, 1) \
             on conflict (name) do update set value = counters.value + 1 returning value",
        )
        .bind(name)
        .fetch_one(&self.views)
        .await?;
        Ok(u64::try_from(value).unwrap_or_default())
    }

    /// Reads one of Riff's own settings.
    ///
    /// # Errors
    /// The database could not be read.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, ProjectionError> {
        Ok(
            sqlx::query_scalar("select value from settings where key = $1")
                .bind(key)
                .fetch_optional(&self.views)
                .await?,
        )
    }

    /// Stores a setting unless it is already set; returns the value that is
    /// stored afterwards (the other process's, if it got there first).
    ///
    /// # Errors
    /// The database could not be written.
    pub async fn setting_or_insert(
        &self,
        key: &str,
        value: &str,
    ) -> Result<String, ProjectionError> {
        sqlx::query(
            "insert into settings (key, value) values ($1, $2) on conflict (key) do nothing",
        )
        .bind(key)
        .bind(value)
        .execute(&self.views)
        .await?;
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }
}
