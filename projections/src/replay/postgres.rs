//! PostgreSQL: every view fills fresh tables of its own, on a connection of
//! its own, all at once; one short transaction then swaps them in.
//!
//! - **Fresh tables.** They are made in a schema of their own,
//!   `riff_replay`, with the live tables' columns and keys (what the views'
//!   upserts stand on) but none of their secondary indexes, and committed
//!   empty. Readers never look there.
//! - **Filling, in parallel.** Each view gets the batches of its parts of
//!   the log and fills its tables in its own transaction, whose
//!   `search_path` puts `riff_replay` first, so the views' own SQL writes
//!   the fresh tables unchanged. The views only ever read and write their
//!   own tables, so they cannot see each other's work half done. On one
//!   connection the views' statements would run one after the other, each
//!   waiting for the server; on one each they overlap, and with the
//!   decoding.
//! - **`COPY` for new rows.** The views that fold rows in memory (the
//!   inventory and the listing index) hand the rows a batch
//!   creates to the replay instead of inserting them ([`View::apply_batch`]),
//!   and the replay sends them with `COPY` on a second connection, on the
//!   typed driver: PostgreSQL takes them several times faster than as
//!   multi-row inserts. They go in frozen, in one transaction, unless a
//!   history split across batches needs them committed sooner ([`Copier`]).
//! - **Indexes once, two at a time.** A view that has been handed the last
//!   event of its aggregate types commits its tables, and their secondary
//!   indexes are built at once, while the log is still read for the other
//!   views (an index built
//!   over a full table is a sort and a write; kept up to date through every
//!   insert it costs more than the rows). Each index is a transaction of
//!   its own, two B-trees building at any moment, one per core, whichever
//!   view they belong to: the inventory alone has eight, and built one after
//!   the other they would keep one core busy long after the rest is done.
//!   A GIN index starts at once, beside them.
//! - **Vacuumed and analysed.** Each table is then analysed, and vacuumed
//!   unless its rows went in frozen, so that the readers after the swap
//!   find it as autovacuum would leave it (a visibility map, for
//!   index-only scans; no hint bits left to set) and the planner knows it
//!   at once.
//! - **The swap.** One transaction locks the views' checkpoints (a
//!   projector in the middle of a batch finishes it first, and the next
//!   waits), drops the live tables, moves the fresh ones into their place
//!   and sets the checkpoints to where the replay stopped. Readers see the
//!   old tables until that commit and the new ones after it. Until the swap
//!   the projector goes on applying new events to the old tables; after it,
//!   it applies them again to the new ones, from the replay's position.
//!
//! One replay at a time, under a session advisory lock. A replay that
//! failed or was killed leaves `riff_replay` behind: the next drops it.

use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use super::{execute, Log, Replayed};
use crate::log::Envelope;
use crate::view::{self, CopyRows, View};
use crate::{Db, ProjectionError};

/// The schema fresh tables are built in.
const SCHEMA: &str = "riff_replay";

/// The replay's advisory lock, in the two-integer form that Riff's own
/// locks use (single-bigint keys are the log's position floors): "riff"
/// in ASCII, and 2.
const LOCK: (i32, i32) = (0x7269_6666, 2);

/// Indexes built at once: one per core of the machine this was measured
/// on (BENCHMARKS.md); more only make them wait for each other.
const BUILDERS: usize = 2;

/// `store` is `db`'s event store pool, on the typed driver: the `COPY`
/// connections are opened with its options.
pub(super) async fn rebuild(
    db: &Db,
    store: &PgPool,
    views: &[Arc<dyn View>],
    progress: impl FnMut(u64, u64),
) -> Result<Replayed, ProjectionError> {
    // Detached from the pool: closing it (or the process dying) releases
    // the lock; a pooled connection would keep it.
    let mut lock = db.views.acquire().await?.detach();
    sqlx::query("select pg_advisory_lock($1, $2)")
        .bind(LOCK.0)
        .bind(LOCK.1)
        .execute(&mut lock)
        .await?;
    let replayed = build_and_swap(db, store, &mut lock, views, progress).await;
    if replayed.is_err() {
        // Nothing live was touched; the fresh tables are of no use.
        let _ = execute(
            &mut lock,
            &format!("drop schema if exists {SCHEMA} cascade"),
        )
        .await;
    }
    let _ = lock.close().await;
    replayed
}

async fn build_and_swap(
    db: &Db,
    store: &PgPool,
    conn: &mut AnyConnection,
    views: &[Arc<dyn View>],
    mut progress: impl FnMut(u64, u64),
) -> Result<Replayed, ProjectionError> {
    let live: String = sqlx::query_scalar("select quote_ident(current_schema())")
        .fetch_one(&mut *conn)
        .await?;
    execute(conn, &format!("drop schema if exists {SCHEMA} cascade")).await?;
    execute(conn, &format!("create schema {SCHEMA}")).await?;
    let builders = Arc::new(Semaphore::new(BUILDERS));
    let mut fills = JoinSet::new();
    let mut senders = vec![];
    for view in views {
        let completions = prepare(conn, &live, view.tables()).await?;
        let (sender, batches) = mpsc::channel(2);
        senders.push(Some(sender));
        let (db, store, view, live) = (db.clone(), store.clone(), Arc::clone(view), live.clone());
        let builders = Arc::clone(&builders);
        fills.spawn(async move {
            let frozen = fill(&db, &store, view.as_ref(), &live, batches).await?;
            let mut builds = JoinSet::new();
            for table in completions {
                let frozen = frozen.contains(&table.table.as_str());
                builds.spawn(table.complete(db.views.clone(), Arc::clone(&builders), frozen));
            }
            while let Some(built) = builds.join_next().await {
                joined(built)?;
            }
            Ok(())
        });
    }

    let mut log = Log::open(db, views).await?;
    progress(0, log.total);
    'read: while let Some(batch) = log.next().await? {
        let batch = Arc::new(batch);
        for (sender, view) in senders.iter_mut().zip(views) {
            let types = view.aggregate_types();
            if log.is_past(types) {
                // Its tables are full: they commit and their indexes build
                // while the rest of the log is read.
                *sender = None;
            }
            let Some(open) = sender else { continue };
            if log.concerns(types) && open.send(Arc::clone(&batch)).await.is_err() {
                // A view's fill has failed: its error is below.
                break 'read;
            }
        }
        progress(log.done, log.total);
    }
    drop(senders);
    // Returning early drops the other tasks, which aborts them: their
    // transactions roll back.
    while let Some(filled) = fills.join_next().await {
        joined(filled)?;
    }
    let replayed = log.finish().await;
    swap(db, &live, views, replayed.position).await?;
    Ok(replayed)
}

/// What completes a filled fresh table: its secondary indexes, then a
/// visibility map and statistics for the planner.
struct Completion {
    table: String,
    indexes: Vec<Index>,
}

/// A secondary index to build: its `create index` statement, and whether
/// it is a GIN index (the inventory's text search), several times longer
/// to build than a B-tree of the same table.
struct Index {
    create: String,
    gin: bool,
}

impl Completion {
    /// Builds the indexes, and vacuums and analyses the table once they are
    /// all built — only analyses it if its rows went in `frozen`, which
    /// leaves a vacuum nothing to do. (`analyze` also gathers statistics on
    /// the indexes' expressions, and would wait for every build on its
    /// table anyway, holding a builder while it did.) A B-tree waits for
    /// one of the `builders`; a GIN index starts at once: the longest
    /// single build, it would otherwise wait behind the B-trees and then
    /// finish alone, one core idle.
    async fn complete(
        self,
        pool: AnyPool,
        builders: Arc<Semaphore>,
        frozen: bool,
    ) -> Result<(), ProjectionError> {
        let mut builds = JoinSet::new();
        for index in self.indexes {
            let (pool, builders) = (pool.clone(), Arc::clone(&builders));
            builds.spawn(async move {
                let _turn = if index.gin {
                    None
                } else {
                    Some(builders.acquire_owned().await)
                };
                build_index(&pool, &index.create).await
            });
        }
        while let Some(built) = builds.join_next().await {
            joined(built)?;
        }
        let _turn = builders.acquire().await;
        let mut conn = pool.acquire().await?;
        let table = format!("{SCHEMA}.{}", self.table);
        if frozen {
            execute(&mut conn, &format!("analyze {table}")).await?;
        } else {
            // `vacuum` cannot run inside a transaction.
            execute(&mut conn, &format!("vacuum (analyze) {table}")).await?;
        }
        Ok(())
    }
}

/// Makes empty, index-less stand-ins for `tables` in [`SCHEMA`], and
/// returns what will complete them.
async fn prepare(
    conn: &mut AnyConnection,
    live: &str,
    tables: &[&str],
) -> Result<Vec<Completion>, sqlx::Error> {
    let mut completions = vec![];
    for table in tables {
        let live = format!("{live}.{table}");
        execute(
            conn,
            &format!("create table {SCHEMA}.{table} (like {live} including all excluding indexes)"),
        )
        .await?;
        let keys = sqlx::query(
            "select conname::text, pg_get_constraintdef(oid) from pg_constraint \
             where conrelid = $1::regclass and contype in ('p', 'u')",
        )
        .bind(&live)
        .fetch_all(&mut *conn)
        .await?;
        for key in &keys {
            let (name, definition): (String, String) = (key.try_get(0)?, key.try_get(1)?);
            execute(
                conn,
                &format!("alter table {SCHEMA}.{table} add constraint {name} {definition}"),
            )
            .await?;
        }
        // `pg_get_indexdef` always names the table with its schema.
        let found: Vec<(String, bool)> = sqlx::query_as(
            "select pg_get_indexdef(indexrelid), am.amname = 'gin' from pg_index \
             join pg_class index on index.oid = indexrelid join pg_am am on am.oid = index.relam \
             where indrelid = $1::regclass and not exists \
             (select 1 from pg_constraint where conindid = indexrelid)",
        )
        .bind(&live)
        .fetch_all(&mut *conn)
        .await?;
        let (on_live, on_fresh) = (format!(" ON {live} "), format!(" ON {SCHEMA}.{table} "));
        completions.push(Completion {
            table: (*table).to_owned(),
            indexes: found
                .into_iter()
                .map(|(create, gin)| Index {
                    create: create.replacen(&on_live, &on_fresh, 1),
                    gin,
                })
                .collect(),
        });
    }
    Ok(completions)
}

/// One view's part: applies every batch to its fresh tables and commits.
/// Returns the tables whose every row went in frozen.
///
/// The rows a batch creates, where the view hands them over, go in with
/// `COPY` on a second connection, on the event store's typed driver (sqlx's
/// `Any` driver has no `COPY`), right after the batch ([`Copier`]).
async fn fill(
    db: &Db,
    store: &PgPool,
    view: &dyn View,
    live: &str,
    mut batches: mpsc::Receiver<Arc<Vec<Envelope>>>,
) -> Result<Vec<&'static str>, ProjectionError> {
    let mut copier = Copier::new(store);
    let mut tx = db.views.begin().await?;
    // The view pool plans every statement for its arguments (see
    // `Db::connect`); a replay's inserts are the same few statements
    // thousands of times, for which one generic plan does as well.
    execute(
        &mut tx,
        &format!("set local search_path = {SCHEMA}, {live}"),
    )
    .await?;
    execute(&mut tx, "set local plan_cache_mode = auto").await?;
    // Nothing but the copier locks a fresh table, and the view waits for
    // it only if the copier failed to thaw: an error, not a hang.
    execute(&mut tx, "set local lock_timeout = '10s'").await?;
    let mut rows = CopyRows::default();
    while let Some(batch) = batches.recv().await {
        if view::loads_rows(&batch) {
            // The view will read rows it handed over in an earlier batch
            // (an aggregate split across batches): they must be committed.
            copier.thaw().await?;
        }
        view.apply_batch(&mut tx, &batch, Some(&mut rows)).await?;
        copier.send(&mut rows).await?;
    }
    tx.commit().await?;
    copier.close().await
}

/// The connection a view's fill sends its `COPY` rows on, opened with the
/// first rows: most views have none.
///
/// The rows go in frozen (`COPY … with (freeze)`): already visible to
/// every transaction and marked so in the visibility map, as a `vacuum`
/// would leave them — so the table needs none before readers use it, and
/// index-only scans (the inventory's counts) work at once. PostgreSQL
/// freezes only rows copied in the transaction that created or truncated
/// the table, so the copier truncates each table in one transaction and
/// copies every batch in it, and that transaction holds the table locked
/// until it commits. Nothing else touches the table meanwhile — unless the
/// view must load a row from it, to fold into it the rest of a history
/// split across batches. Before such a batch the copier *thaws*: it
/// commits, and from then on each `COPY` commits on its own, unfrozen, so
/// the view sees the rows; those tables are vacuumed as before.
struct Copier {
    options: PgConnectOptions,
    conn: Option<PgConnection>,
    /// Whether rows still go in frozen, in the copier's one transaction.
    freezing: bool,
    /// The tables rows went into.
    tables: Vec<&'static str>,
}

impl Copier {
    fn new(store: &PgPool) -> Self {
        // No commit need wait for its WAL to reach the disk. Only the swap
        // makes the fresh tables matter, and its commit flushes everything
        // written before it; a crash before it leaves tables the next
        // replay drops. And, as for the view's transaction, a wait for a
        // lock on a fresh table can only be the two waiting on each other.
        let options = (*store.connect_options())
            .clone()
            .options([("synchronous_commit", "off"), ("lock_timeout", "10s")]);
        Self {
            options,
            conn: None,
            freezing: true,
            tables: vec![],
        }
    }

    /// Sends the rows gathered in `rows` into the fresh tables.
    async fn send(&mut self, rows: &mut CopyRows) -> Result<(), ProjectionError> {
        for table in rows.take() {
            let conn = match &mut self.conn {
                Some(conn) => conn,
                None => {
                    let mut conn = PgConnection::connect_with(&self.options).await?;
                    if self.freezing {
                        conn.execute("begin").await?;
                    }
                    self.conn.insert(conn)
                }
            };
            if !self.tables.contains(&table.table) {
                if self.freezing {
                    conn.execute(&*format!("truncate {SCHEMA}.{}", table.table))
                        .await?;
                }
                self.tables.push(table.table);
            }
            let mut copy = conn
                .copy_in_raw(&table.statement(SCHEMA, self.freezing))
                .await?;
            if let Err(error) = copy.send(table.data.into_bytes()).await {
                let _ = copy.abort(error.to_string()).await;
                return Err(error.into());
            }
            copy.finish().await?;
        }
        Ok(())
    }

    /// Commits the rows sent so far, and sends the rest unfrozen, each
    /// `COPY` committing on its own.
    async fn thaw(&mut self) -> Result<(), ProjectionError> {
        if let (true, Some(conn)) = (self.freezing, &mut self.conn) {
            conn.execute("commit").await?;
        }
        self.freezing = false;
        Ok(())
    }

    /// Commits, and returns the tables whose every row went in frozen.
    async fn close(mut self) -> Result<Vec<&'static str>, ProjectionError> {
        let frozen = self.freezing;
        self.thaw().await?;
        if let Some(conn) = self.conn {
            conn.close().await?;
        }
        Ok(if frozen { self.tables } else { vec![] })
    }
}

/// Builds an index of a full fresh table.
async fn build_index(pool: &AnyPool, create: &str) -> Result<(), ProjectionError> {
    let mut tx = pool.begin().await?;
    // Room to sort a full table in memory rather than in temporary files.
    execute(&mut tx, "set local maintenance_work_mem = '256MB'").await?;
    execute(&mut tx, create).await?;
    tx.commit().await?;
    Ok(())
}

/// A finished task's result; a task that panicked panics here too.
fn joined<T>(
    finished: Result<Result<T, ProjectionError>, tokio::task::JoinError>,
) -> Result<T, ProjectionError> {
    match finished {
        Ok(result) => result,
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// Puts the fresh tables in place of the live ones and the checkpoints at
/// `position`, in one transaction.
async fn swap(
    db: &Db,
    live: &str,
    views: &[Arc<dyn View>],
    position: i64,
) -> Result<(), ProjectionError> {
    let mut tx = db.views.begin().await?;
    // In the projector's order of views, so that the two never wait for
    // each other's locks in turn.
    let order: Vec<&str> = view::all().iter().map(|v| v.name()).collect();
    let mut names: Vec<&str> = views.iter().map(|v| v.name()).collect();
    names.sort_by_key(|name| order.iter().position(|o| o == name));
    for name in names {
        sqlx::query(
            "insert into projection_checkpoints (view, position) values ($1, $2) \
             on conflict (view) do update set position = excluded.position",
        )
        .bind(name)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    }
    for table in views.iter().flat_map(|v| v.tables()) {
        execute(&mut tx, &format!("drop table {live}.{table}")).await?;
        execute(
            &mut tx,
            &format!("alter table {SCHEMA}.{table} set schema {live}"),
        )
        .await?;
    }
    execute(&mut tx, &format!("drop schema {SCHEMA}")).await?;
    tx.commit().await?;
    Ok(())
}
