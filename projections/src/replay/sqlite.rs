//! SQLite: the whole replay in one transaction, on the live tables.
//!
//! A reader in WAL mode reads the snapshot it started with whatever the
//! writer does, so the replay empties the live tables and drops their
//! secondary indexes in its own transaction, fills the tables, and builds
//! the indexes again before it commits: an index built once over a full
//! table is a sort and a write, where keeping it up to date through every
//! insert costs more than the rows themselves. Nobody sees the tables
//! without their indexes, or half full. The cost: the replay holds
//! SQLite's one write lock throughout, so appends wait meanwhile.
//!
//! A full-text index over a view's table ([`SEARCH`]) is kept current by
//! the table's triggers; the replay drops those too, and rebuilds the
//! index from the full table once, as it does the b-tree indexes.

use std::sync::Arc;

use sqlx::Row;

use super::{execute, Log, Replayed};
use crate::view::View;
use crate::{Db, ProjectionError};

/// The page cache while a replay builds indexes: 256 MiB, in the negative
/// KiB that `pragma cache_size` takes — room to sort a million rows in
/// memory.
const CACHE: i64 = -262_144;

/// The FTS5 indexes the SQLite migrations keep over a view's table, by
/// table: external-content indexes that hold no text of their own, so a
/// `rebuild` reads it back from the table.
const SEARCH: &[(&str, &str)] = &[("inventory", "inventory_search")];

pub(super) async fn rebuild(
    db: &Db,
    views: &[Arc<dyn View>],
    mut progress: impl FnMut(u64, u64),
) -> Result<Replayed, ProjectionError> {
    let mut log = Log::open(db, views).await?;
    let mut tx = db.views.begin().await?;
    for view in views {
        sqlx::query(
            "insert into projection_checkpoints (view, position) values ($1, 0) \
             on conflict (view) do update set position = 0",
        )
        .bind(view.name())
        .execute(&mut *tx)
        .await?;
    }
    let cache_size: i64 = sqlx::query_scalar("pragma cache_size")
        .fetch_one(&mut *tx)
        .await?;
    execute(&mut tx, &format!("pragma cache_size = {CACHE}")).await?;
    let tables: Vec<&str> = views.iter().flat_map(|v| v.tables()).copied().collect();
    // Made again once the tables are full: indexes first, then the
    // triggers, which must not fire for the replay's own rows.
    let mut recreate = vec![];
    for kind in ["index", "trigger"] {
        for table in &tables {
            // Indexes behind a table's keys have no SQL and stay.
            let found = sqlx::query(
                "select name, sql from sqlite_master \
                 where type = $1 and tbl_name = $2 and sql is not null",
            )
            .bind(kind)
            .bind(*table)
            .fetch_all(&mut *tx)
            .await?;
            for object in &found {
                let (name, create): (String, String) = (object.try_get(0)?, object.try_get(1)?);
                execute(&mut tx, &format!("drop {kind} \"{name}\"")).await?;
                recreate.push(create);
            }
        }
    }
    for table in &tables {
        execute(&mut tx, &format!("delete from {table}")).await?;
    }

    progress(0, log.total);
    while let Some(batch) = log.next().await? {
        for view in views.iter().filter(|v| log.concerns(v.aggregate_types())) {
            view.apply_batch(&mut tx, &batch, None).await?;
        }
        progress(log.done, log.total);
    }
    let replayed = log.finish().await;

    for create in &recreate {
        execute(&mut tx, create).await?;
    }
    for (_, search) in SEARCH.iter().filter(|(table, _)| tables.contains(table)) {
        execute(
            &mut tx,
            &format!("insert into {search} ({search}) values ('rebuild')"),
        )
        .await?;
    }
    execute(&mut tx, &format!("pragma cache_size = {cache_size}")).await?;
    for view in views {
        sqlx::query("update projection_checkpoints set position = $1 where view = $2")
            .bind(replayed.position)
            .bind(view.name())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(replayed)
}
