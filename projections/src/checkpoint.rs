//! Checkpoints of the log's other readers — the sagas — kept in the same
//! table as the views' but never touched by a replay: a saga that acted on
//! an event must never act on it again because a view was rebuilt.

use crate::{Db, ProjectionError};

/// The position a reader has handled up to (zero when it never ran).
///
/// # Errors
/// The database could not be read.
pub async fn load(db: &Db, reader: &str) -> Result<i64, ProjectionError> {
    Ok(
        sqlx::query_scalar("select position from projection_checkpoints where view = $1")
            .bind(reader)
            .fetch_optional(&db.views)
            .await?
            .unwrap_or(0),
    )
}

/// Records that a reader has handled everything up to `position`.
///
/// # Errors
/// The database could not be written.
pub async fn save(db: &Db, reader: &str, position: i64) -> Result<(), ProjectionError> {
    sqlx::query(
        "insert into projection_checkpoints (view, position) values ($1, $2) \
         on conflict (view) do update set position = excluded.position",
    )
    .bind(reader)
    .bind(position)
    .execute(&db.views)
    .await?;
    Ok(())
}
