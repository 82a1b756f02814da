//! Where a replay builds: fresh tables, given their secondary indexes only
//! once they are full, and swapped in for the old ones at the very end of
//! the replay's transaction.
//!
//! Emptying the live tables and refilling them, as a replay once did, keeps
//! every index up to date through every insert: at a million events the
//! inventory's fourteen indexes cost more than its rows themselves, and the
//! old rows' deletion is written to disk as well.
//! An index built once over a full table is a sort and a write.
//!
//! - **PostgreSQL**: the fresh tables are made in a schema of their own,
//!   `riff_replay`, with the live tables' columns and keys (the keys are
//!   what the views' upserts stand on). The replay's transaction puts that
//!   schema first on its `search_path`, so the views' own SQL fills the
//!   fresh tables unchanged. At the swap the secondary indexes are built,
//!   the tables analysed (the planner then knows their size at once), the
//!   old tables dropped and the fresh ones moved into their place. Readers
//!   keep reading the old tables throughout; only the drop waits for the
//!   queries in flight, and the commit follows at once.
//! - **SQLite**: a reader in WAL mode reads the snapshot it started with
//!   whatever the writer does, so the replay empties the live tables and
//!   drops their secondary indexes in its own transaction, and builds the
//!   indexes again before it commits. Nobody sees the tables without them.

use std::sync::Arc;

use sqlx::{AnyConnection, Executor, Row};

use crate::view::View;
use crate::Backend;

/// The schema PostgreSQL builds fresh tables in.
const SCHEMA: &str = "riff_replay";

/// SQLite's page cache while a replay builds indexes: 256 MiB, in the
/// negative KiB that `pragma cache_size` takes.
const SQLITE_CACHE: i64 = -262_144;

/// The replay's tables, ready to be filled, and what completes them.
pub(super) struct Fresh {
    backend: Backend,
    /// The live tables' schema (PostgreSQL).
    live: String,
    tables: Vec<&'static str>,
    /// What completes the fresh tables once they are full: their secondary
    /// indexes.
    indexes: Vec<String>,
    /// The connection's page cache size before the replay (SQLite).
    cache_size: i64,
}

impl Fresh {
    /// Makes empty, index-less stand-ins for the tables of `views`, which
    /// the views then fill through `conn` (inside the replay's transaction).
    pub(super) async fn prepare(
        conn: &mut AnyConnection,
        backend: Backend,
        views: &[Arc<dyn View>],
    ) -> Result<Self, sqlx::Error> {
        let mut fresh = Self {
            backend,
            live: String::new(),
            tables: views.iter().flat_map(|v| v.tables()).copied().collect(),
            indexes: vec![],
            cache_size: 0,
        };
        match backend {
            Backend::Postgres => fresh.prepare_postgres(conn).await?,
            Backend::Sqlite => fresh.prepare_sqlite(conn).await?,
        }
        Ok(fresh)
    }

    async fn prepare_postgres(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        self.live = sqlx::query_scalar("select quote_ident(current_schema())")
            .fetch_one(&mut *conn)
            .await?;
        execute(conn, &format!("create schema {SCHEMA}")).await?;
        // Room to sort a million rows in memory when the indexes are built,
        // rather than in temporary files; for this transaction only.
        execute(conn, "set local maintenance_work_mem = '256MB'").await?;
        for table in &self.tables {
            let live = format!("{}.{table}", self.live);
            execute(
                conn,
                &format!(
                    "create table {SCHEMA}.{table} (like {live} including all excluding indexes)"
                ),
            )
            .await?;
            // Keys first: the views' `on conflict` and lookups need them
            // while filling.
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
            let indexes: Vec<String> = sqlx::query_scalar(
                "select pg_get_indexdef(indexrelid) from pg_index \
                 where indrelid = $1::regclass and not exists \
                 (select 1 from pg_constraint where conindid = indexrelid)",
            )
            .bind(&live)
            .fetch_all(&mut *conn)
            .await?;
            let (on_live, on_fresh) = (format!(" ON {live} "), format!(" ON {SCHEMA}.{table} "));
            self.indexes.extend(
                indexes
                    .into_iter()
                    .map(|create| create.replacen(&on_live, &on_fresh, 1)),
            );
        }
        execute(
            conn,
            &format!("set local search_path = {SCHEMA}, {}", self.live),
        )
        .await
    }

    async fn prepare_sqlite(&mut self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        // Room to sort a million rows in memory when the indexes are built;
        // the connection's own cache size is put back at the swap.
        self.cache_size = sqlx::query_scalar("pragma cache_size")
            .fetch_one(&mut *conn)
            .await?;
        execute(conn, &format!("pragma cache_size = {SQLITE_CACHE}")).await?;
        for table in &self.tables {
            // Indexes behind a table's keys have no SQL and stay.
            let indexes = sqlx::query(
                "select name, sql from sqlite_master \
                 where type = 'index' and tbl_name = $1 and sql is not null",
            )
            .bind(*table)
            .fetch_all(&mut *conn)
            .await?;
            for index in &indexes {
                let (name, create): (String, String) = (index.try_get(0)?, index.try_get(1)?);
                execute(conn, &format!("drop index \"{name}\"")).await?;
                self.indexes.push(create);
            }
            execute(conn, &format!("delete from {table}")).await?;
        }
        Ok(())
    }

    /// Builds the fresh tables' secondary indexes and puts the tables in
    /// place of the live ones; the replay's commit then shows them.
    pub(super) async fn swap(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for create in &self.indexes {
            execute(conn, create).await?;
        }
        if self.backend == Backend::Sqlite {
            execute(conn, &format!("pragma cache_size = {}", self.cache_size)).await?;
        }
        if self.backend == Backend::Postgres {
            for table in &self.tables {
                execute(conn, &format!("analyze {SCHEMA}.{table}")).await?;
            }
            for table in &self.tables {
                execute(conn, &format!("drop table {}.{table}", self.live)).await?;
                execute(
                    conn,
                    &format!("alter table {SCHEMA}.{table} set schema {}", self.live),
                )
                .await?;
            }
            execute(conn, &format!("drop schema {SCHEMA}")).await?;
            execute(conn, "set local search_path to default").await?;
        }
        Ok(())
    }
}

/// Runs one statement unprepared: each is run once, and none belongs in
/// the connection's statement cache.
async fn execute(conn: &mut AnyConnection, sql: &str) -> Result<(), sqlx::Error> {
    conn.execute(sql).await.map(drop)
}
