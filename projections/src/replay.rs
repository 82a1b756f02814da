//! Replay: rebuild views from position zero.
//!
//! The rebuild runs in **one transaction**: the views' rows are emptied,
//! every event up to the log's safe position is applied again, and the
//! checkpoints are set — then it commits. Until that commit every other
//! reader keeps seeing the old, complete view (PostgreSQL's MVCC, SQLite's
//! WAL snapshot), so a running `riff serve` never shows a half-built view
//! and keeps answering. Its projector waits on the locked checkpoint rows
//! and carries on from where the replay stopped.
//!
//! A replay only reads the log and writes views: it never runs a saga and
//! never calls a marketplace.

use std::sync::Arc;

use crate::log;
use crate::view::View;
use crate::{Db, ProjectionError};

const BATCH: i64 = 2000;

/// What a replay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    /// Events applied to each view.
    pub events: u64,
    /// The position the views now stand at.
    pub position: i64,
}

/// Rebuilds `views` from the start of the log. `progress` is told how many
/// events are done out of how many, after every batch.
///
/// # Errors
/// The database failed, or an event cannot be decoded; nothing is changed
/// then.
pub async fn rebuild(
    db: &Db,
    views: &[Arc<dyn View>],
    mut progress: impl FnMut(u64, u64),
) -> Result<Replayed, ProjectionError> {
    let bound = log::safe_position(db).await?;
    let total: i64 = sqlx::query_scalar("select count(*) from events where position <= $1")
        .bind(bound)
        .fetch_one(&db.views)
        .await?;
    let total = u64::try_from(total).unwrap_or_default();

    let mut tx = db.views.begin().await?;
    for view in views {
        // Lock the checkpoint first: a projector elsewhere now waits for us.
        sqlx::query(
            "insert into projection_checkpoints (view, position) values ($1, 0) \
             on conflict (view) do update set position = 0",
        )
        .bind(view.name())
        .execute(&mut *tx)
        .await?;
        for table in view.tables() {
            sqlx::query(&format!("delete from {table}"))
                .execute(&mut *tx)
                .await?;
        }
    }
    let (mut after, mut done) = (0, 0u64);
    progress(0, total);
    loop {
        let batch = log::read_after(db, after, BATCH).await?;
        let batch: Vec<_> = batch.into_iter().filter(|e| e.position <= bound).collect();
        let Some(last) = batch.last().map(|e| e.position) else {
            break;
        };
        let envelopes = batch
            .iter()
            .map(log::StoredEvent::decode)
            .collect::<Result<Vec<_>, _>>()?;
        for view in views {
            view.apply_batch(&mut tx, &envelopes).await?;
        }
        after = last;
        done += batch.len() as u64;
        progress(done, total);
    }
    for view in views {
        sqlx::query("update projection_checkpoints set position = $1 where view = $2")
            .bind(after)
            .bind(view.name())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Replayed {
        events: done,
        position: after,
    })
}
