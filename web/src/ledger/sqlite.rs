//! Appends on SQLite, linked to the log's hash chain.
//!
//! PostgreSQL links each event in the trigger that gives it its position;
//! SQLite cannot compute SHA-256 in SQL, so Riff's own appends link their
//! events in Rust before they commit ([`riff_projections::log::chain`]).
//! Every SQLite append goes through [`append`]: sqlite-es's repository
//! still reads the events, and [`ChainedSqliteRepository`] replaces only its
//! `persist`.

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use riff_projections::log::chain;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;
use sqlx::{SqliteConnection, SqlitePool};

/// sqlite-es's append of one event, telling which position it took (the
/// row's rowid: see `migrations/sqlite/0001_events.sql`).
const INSERT_EVENT: &str = "insert into events \
     (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
     values ($1, $2, $3, $4, $5, $6, $7) returning rowid";

/// One event to append, as the stores write it.
pub(super) struct NewEvent<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a Value,
    pub metadata: &'a Value,
}

/// Appends `events` and links them, in the transaction on `conn`.
///
/// # Errors
/// The database refused a row (a taken sequence is a unique violation) or
/// failed.
pub(super) async fn append(
    conn: &mut SqliteConnection,
    events: &[NewEvent<'_>],
) -> Result<(), sqlx::Error> {
    let mut positions = Vec::with_capacity(events.len());
    for event in events {
        let position: i64 = sqlx::query_scalar(INSERT_EVENT)
            .bind(event.aggregate_type)
            .bind(event.aggregate_id)
            .bind(event.sequence)
            .bind(event.event_type)
            .bind(event.event_version)
            .bind(event.payload)
            .bind(event.metadata)
            .fetch_one(&mut *conn)
            .await?;
        positions.push(position);
    }
    chain::link_appended(conn, &positions).await
}

/// sqlite-es's repository, with appends that link their events.
pub(super) struct ChainedSqliteRepository {
    reads: SqliteEventRepository,
    pool: SqlitePool,
}

impl ChainedSqliteRepository {
    pub(super) fn new(pool: SqlitePool) -> Self {
        Self {
            reads: SqliteEventRepository::new(pool.clone()),
            pool,
        }
    }
}

/// sqlite-es's reading of a failed append: a taken sequence (SQLite's
/// primary-key violation, extended code 1555) is another writer's win,
/// which cqrs-es retries on fresh state.
fn persistence_error(error: sqlx::Error) -> PersistenceError {
    match &error {
        sqlx::Error::Database(e) if e.code().as_deref() == Some("1555") => {
            PersistenceError::OptimisticLockError
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => {
            PersistenceError::ConnectionError(Box::new(error))
        }
        _ => PersistenceError::UnknownError(Box::new(error)),
    }
}

impl PersistedEventRepository for ChainedSqliteRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.reads.get_events::<A>(aggregate_id).await
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.reads
            .get_last_events::<A>(aggregate_id, last_sequence)
            .await
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        self.reads.get_snapshot::<A>(aggregate_id).await
    }

    /// Riff's stores keep no snapshots (each aggregate is short), so
    /// `snapshot_update` is always `None`.
    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            return Err(PersistenceError::UnknownError(
                "Riff's SQLite store keeps no snapshots".into(),
            ));
        }
        let rows: Vec<NewEvent<'_>> = events
            .iter()
            .map(|event| NewEvent {
                aggregate_type: A::TYPE,
                aggregate_id: &event.aggregate_id,
                sequence: i64::try_from(event.sequence).unwrap_or(i64::MAX),
                event_type: &event.event_type,
                event_version: &event.event_version,
                payload: &event.payload,
                metadata: &event.metadata,
            })
            .collect();
        let mut tx = self.pool.begin().await.map_err(persistence_error)?;
        append(&mut tx, &rows).await.map_err(persistence_error)?;
        tx.commit().await.map_err(persistence_error)
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_events::<A>(aggregate_id).await
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        self.reads.stream_all_events::<A>().await
    }
}
