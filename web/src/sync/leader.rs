//! Which process runs the sync loops.
//!
//! Several `riff serve` processes may share one PostgreSQL. Reading and the
//! API run everywhere; the sagas, the effects worker and the schedule must
//! run once, or two workers would both end the same listing. The leader is
//! whoever holds a session-level PostgreSQL advisory lock, on a connection
//! kept out of the pool for that purpose: when the process dies, PostgreSQL
//! closes the session and frees the lock, and another process takes over on
//! its next try.
//!
//! SQLite is one file on one machine; its single process always leads.

use std::sync::Arc;
use std::time::Duration;

use riff_projections::db::StorePool;
use riff_projections::{Db, ProjectionError};
use sqlx::{Connection, PgConnection};
use tokio::sync::watch;

use super::schedule::Schedule;
use super::Engine;

/// How often a follower tries to become the leader, and the leader checks
/// that it still is.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Runs the sync loops whenever this process is the leader, until `stop`.
pub async fn lead(engine: Arc<Engine>, schedule: Schedule, mut stop: watch::Receiver<bool>) {
    loop {
        match Leadership::try_acquire(&engine.db).await {
            Ok(Some(mut leadership)) => {
                tracing::info!("this process runs the sync loops");
                let (halt, halted) = watch::channel(false);
                let loops = tokio::spawn(engine.clone().run(halted, schedule.clone()));
                let stopping = loop {
                    tokio::select! {
                        () = super::stopped(&mut stop) => break true,
                        () = tokio::time::sleep(CHECK_EVERY) => {
                            if !leadership.still_held().await {
                                tracing::warn!("lost the leader's lock; stopping the sync loops");
                                break false;
                            }
                        }
                    }
                };
                let _ = halt.send(true);
                let _ = loops.await;
                drop(leadership);
                if stopping {
                    return;
                }
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "cannot ask who leads the sync loops"),
        }
        tokio::select! {
            () = super::stopped(&mut stop) => return,
            () = tokio::time::sleep(CHECK_EVERY) => {}
        }
    }
}

/// The advisory lock's key: "riff" in ASCII, so that it is recognisable in
/// `pg_locks`, and 1. In the two-integer form: single-bigint keys are the
/// log's position floors (`migrations/postgres/0001_events.sql`), and a
/// leader's lock among them would hold the log's safe position down.
const LEADER_KEY: (i32, i32) = (0x7269_6666, 1);

/// Proof of leadership, for as long as it is held.
pub struct Leadership {
    connection: Option<PgConnection>,
}

impl Leadership {
    /// Becomes the leader if no one else is.
    ///
    /// # Errors
    /// The database could not be reached.
    pub async fn try_acquire(db: &Db) -> Result<Option<Self>, ProjectionError> {
        match &db.store {
            StorePool::Sqlite(_) => Ok(Some(Self { connection: None })),
            StorePool::Postgres(pool) => {
                // Detached from the pool: closing it (or the process dying)
                // releases the lock; a pooled one would keep it alive.
                let mut connection = pool
                    .acquire()
                    .await
                    .map_err(ProjectionError::from)?
                    .detach();
                let acquired: bool = sqlx::query_scalar("select pg_try_advisory_lock($1, $2)")
                    .bind(LEADER_KEY.0)
                    .bind(LEADER_KEY.1)
                    .fetch_one(&mut connection)
                    .await
                    .map_err(ProjectionError::from)?;
                if acquired {
                    Ok(Some(Self {
                        connection: Some(connection),
                    }))
                } else {
                    let _ = connection.close().await;
                    Ok(None)
                }
            }
        }
    }

    /// Whether the lock is still held: false once its connection is gone.
    pub async fn still_held(&mut self) -> bool {
        match &mut self.connection {
            None => true,
            Some(connection) => connection.ping().await.is_ok(),
        }
    }
}
