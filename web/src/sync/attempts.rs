//! The effects worker's bookkeeping: one row per listing and kind of call
//! from just before the call until its outcome is in the log. Not a view —
//! it records calls, not events — so a replay leaves it alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use riff_projections::view::timestamp;
use riff_projections::{Db, ProjectionError};
use sqlx::Row;

/// How long a call may take before the worker may try it again. Only a
/// worker that died mid-call leaves a row this long; a new leader releases
/// such rows at once.
const LEASE: chrono::Duration = chrono::Duration::seconds(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Publish,
    Revise,
    End,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::Revise => "revise",
            Self::End => "end",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Publish, Self::Revise, Self::End]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attempt {
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Every attempt on record, by listing id and kind.
///
/// # Errors
/// The database could not be read.
pub(super) async fn all(db: &Db) -> Result<HashMap<(String, Kind), Attempt>, ProjectionError> {
    let rows = sqlx::query("select * from effect_attempts")
        .fetch_all(&db.views)
        .await?;
    let mut attempts = HashMap::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let Some(kind) = Kind::parse(&kind) else {
            continue;
        };
        let next: String = row.try_get("next_attempt_at")?;
        let next_attempt_at = DateTime::parse_from_rfc3339(&next)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        let count: i64 = row.try_get("attempts")?;
        attempts.insert(
            (row.try_get("listing_id")?, kind),
            Attempt {
                attempts: u32::try_from(count).unwrap_or(u32::MAX),
                next_attempt_at,
                last_error: row.try_get("last_error")?,
            },
        );
    }
    Ok(attempts)
}

/// Records that attempt number `attempts` is about to be made.
///
/// # Errors
/// The database could not be written.
pub(super) async fn begin(
    db: &Db,
    listing_id: &str,
    kind: Kind,
    attempts: u32,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "insert into effect_attempts (listing_id, kind, attempts, next_attempt_at) \
         values ($1, $2, $3, $4) on conflict (listing_id, kind) do update set \
         attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at",
    )
    .bind(listing_id)
    .bind(kind.as_str())
    .bind(i64::from(attempts))
    .bind(timestamp(Utc::now() + LEASE))
    .execute(&db.views)
    .await?;
    Ok(())
}

/// Puts the next attempt off until `at`.
///
/// # Errors
/// The database could not be written.
pub(super) async fn retry_at(
    db: &Db,
    listing_id: &str,
    kind: Kind,
    at: DateTime<Utc>,
    error: Option<&str>,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "update effect_attempts set next_attempt_at = $1, last_error = coalesce($2, last_error) \
         where listing_id = $3 and kind = $4",
    )
    .bind(timestamp(at))
    .bind(error)
    .bind(listing_id)
    .bind(kind.as_str())
    .execute(&db.views)
    .await?;
    Ok(())
}

/// The listing's outcome is in the log: forget its attempts (all kinds — a
/// publish that was never confirmed is settled by the end that followed).
///
/// # Errors
/// The database could not be written.
pub(super) async fn finish(db: &Db, listing_id: &str) -> Result<(), ProjectionError> {
    sqlx::query("delete from effect_attempts where listing_id = $1")
        .bind(listing_id)
        .execute(&db.views)
        .await?;
    Ok(())
}

/// Makes every attempt due now: the worker that made them is gone.
///
/// # Errors
/// The database could not be written.
pub(super) async fn release_all(db: &Db) -> Result<(), ProjectionError> {
    sqlx::query("update effect_attempts set next_attempt_at = $1")
        .bind(timestamp(Utc::now()))
        .execute(&db.views)
        .await?;
    Ok(())
}
