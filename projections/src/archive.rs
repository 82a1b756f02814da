//! A shop's data as it leaves one database and enters another: the log,
//! event for event with its position, time and link, and the few tables
//! that no replay can rebuild (people, Riff's own settings, counters).
//! `riff store copy`, `riff backup` and `riff restore` are built on it.
//!
//! An event is written back with its original position and time, so its
//! link in the hash chain comes out the same on the other side, whichever
//! backend that is: [`write_events`] recomputes each link there and refuses
//! an event whose link differs from the one it came with. A copy is proved
//! by the chain itself, event by event.

use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};

use crate::db::{on_store, StorePool};
use crate::log::chain::{self, Linked};
use crate::Db;

/// One event as stored, with its link in hex.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivedEvent {
    #[serde(flatten)]
    pub event: Linked,
    pub link: String,
}

/// A row of a table that no replay rebuilds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Kept {
    /// Someone who may log in; the password only as its argon2id hash.
    User {
        name: String,
        password_hash: String,
        created_at: String,
    },
    /// One of Riff's own settings (the API token only as its SHA-256
    /// digest).
    Setting { key: String, value: String },
    /// A counter that never repeats a number (generated SKUs).
    Counter { name: String, value: i64 },
}

/// Why events could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The event's recomputed link is not the one it came with: it, or one
    /// before it, is not what the source holds.
    #[error("the event at position {position} does not match its source: its link there is {expected}, here {found}")]
    LinkDiffers {
        position: i64,
        expected: String,
        found: String,
    },
}

/// How many events there are up to `position`, and the link of the last.
///
/// # Errors
/// The database failed.
pub async fn summary_at(
    store: &StorePool,
    position: i64,
) -> Result<(u64, Option<String>), sqlx::Error> {
    let count = "select count(*) from events where position <= $1";
    let head = "select hash from events_chain where position <= $1 order by position desc limit 1";
    let (count, head): (i64, Option<Vec<u8>>) = on_store!(store, |pool| (
        sqlx::query_scalar(count)
            .bind(position)
            .fetch_one(pool)
            .await?,
        sqlx::query_scalar(head)
            .bind(position)
            .fetch_optional(pool)
            .await?,
    ));
    Ok((
        u64::try_from(count).unwrap_or_default(),
        head.map(hex::encode),
    ))
}

/// The highest position no event can still commit at or below: what a
/// copy or backup taken while the shop serves stops at.
///
/// # Errors
/// The database failed.
pub async fn stable_end(store: &StorePool) -> Result<i64, sqlx::Error> {
    match store {
        StorePool::Postgres(pool) => {
            sqlx::query_scalar("select events_safe_position()")
                .fetch_one(pool)
                .await
        }
        StorePool::Sqlite(pool) => {
            sqlx::query_scalar("select coalesce(max(position), 0) from events")
                .fetch_one(pool)
                .await
        }
    }
}

/// The events after `after` up to `end`, a page at a time, with their links.
///
/// # Errors
/// The database failed.
pub async fn read_events(
    store: &StorePool,
    after: i64,
    end: i64,
) -> Result<Vec<ArchivedEvent>, sqlx::Error> {
    let page = chain::read_page(store, after).await?;
    Ok(page
        .into_iter()
        .filter(|(event, _)| event.position <= end)
        .map(|(event, link)| ArchivedEvent {
            event,
            link: link.map(hex::encode).unwrap_or_default(),
        })
        .collect())
}

const PG_INSERT: &str = "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
     event_version, payload, metadata, position, recorded_at) \
     values ($1, $2, $3, $4, $5, $6::json, $7::json, $8, $9)";

/// SQLite's position is the rowid (`migrations/sqlite/0001_events.sql`),
/// so the rowid is given.
const SQLITE_INSERT: &str = "insert into events (aggregate_type, aggregate_id, sequence, \
     event_type, event_version, payload, metadata, rowid, recorded_at) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Binds what [`PG_INSERT`] and [`SQLITE_INSERT`] take alike, in their
/// order: the event's fields up to its position. Each backend then binds
/// the time as it stores it.
fn bind_event<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    event: &'q Linked,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    &'q String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(&event.aggregate_type)
        .bind(&event.aggregate_id)
        .bind(event.sequence)
        .bind(&event.event_type)
        .bind(&event.event_version)
        .bind(&event.payload)
        .bind(&event.metadata)
        .bind(event.position)
}

/// Appends `events`, which follow the log's last event, keeping their
/// positions and times, in one transaction: all of them or none. Each is
/// linked as any append is, and must come out with the link it brought.
///
/// # Errors
/// The database refused a row (a position not after the end of the log),
/// or a link differs ([`ArchiveError::LinkDiffers`]); nothing is written.
pub async fn write_events(store: &StorePool, events: &[ArchivedEvent]) -> Result<(), ArchiveError> {
    if events.is_empty() {
        return Ok(());
    }
    match store {
        StorePool::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("select set_config('riff.keep_positions', 'yes', true)")
                .execute(&mut *tx)
                .await?;
            for ArchivedEvent { event, .. } in events {
                bind_event(sqlx::query(PG_INSERT), event)
                    .bind(event.recorded_at)
                    .execute(&mut *tx)
                    .await?;
            }
            commit_if_linked(tx, events).await
        }
        StorePool::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            for ArchivedEvent { event, .. } in events {
                bind_event(sqlx::query(SQLITE_INSERT), event)
                    .bind(
                        event
                            .recorded_at
                            .to_rfc3339_opts(SecondsFormat::Micros, true),
                    )
                    .execute(&mut *tx)
                    .await?;
            }
            let positions: Vec<i64> = events.iter().map(|e| e.event.position).collect();
            chain::link_appended(&mut tx, &positions).await?;
            commit_if_linked(tx, events).await
        }
    }
}

/// Commits the transaction that appended `events` (in position order) if
/// each came out with the link it brought; else rolls it back.
async fn commit_if_linked<DB>(
    mut tx: sqlx::Transaction<'_, DB>,
    events: &[ArchivedEvent],
) -> Result<(), ArchiveError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'r> Vec<u8>: sqlx::Decode<'r, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Ok(());
    };
    let links: Vec<Vec<u8>> = sqlx::query_scalar(LINKS)
        .bind(first.event.position)
        .bind(last.event.position)
        .fetch_all(&mut *tx)
        .await?;
    check(events, &links)?;
    tx.commit().await?;
    Ok(())
}

/// The links recorded from the first to the last of a batch's positions.
const LINKS: &str = "select hash from events_chain where position >= $1 and position <= $2 \
     order by position";

fn check(events: &[ArchivedEvent], links: &[Vec<u8>]) -> Result<(), ArchiveError> {
    for (i, ArchivedEvent { event, link }) in events.iter().enumerate() {
        let found = links.get(i).map(hex::encode).unwrap_or_default();
        if &found != link {
            return Err(ArchiveError::LinkDiffers {
                position: event.position,
                expected: link.clone(),
                found,
            });
        }
    }
    Ok(())
}

/// How many events the log holds.
///
/// # Errors
/// The database failed.
pub async fn event_count(store: &StorePool) -> Result<u64, sqlx::Error> {
    let count: i64 = on_store!(store, |pool| sqlx::query_scalar(
        "select count(*) from events"
    )
    .fetch_one(pool)
    .await?);
    Ok(u64::try_from(count).unwrap_or_default())
}

/// The log's last event's position and link, if it has any.
///
/// # Errors
/// The database failed.
pub async fn last_link(store: &StorePool) -> Result<Option<(i64, String)>, sqlx::Error> {
    let query = "select c.position, c.hash from events_chain c \
                 join events e on e.position = c.position order by c.position desc limit 1";
    let row: Option<(i64, Vec<u8>)> = on_store!(store, |pool| sqlx::query_as(query)
        .fetch_optional(pool)
        .await?);
    Ok(row.map(|(position, hash)| (position, hex::encode(hash))))
}

/// The link recorded for the event at `position`.
///
/// # Errors
/// The database failed.
pub async fn link_at(store: &StorePool, position: i64) -> Result<Option<String>, sqlx::Error> {
    let query = "select hash from events_chain where position = $1";
    let hash: Option<Vec<u8>> = on_store!(store, |pool| sqlx::query_scalar(query)
        .bind(position)
        .fetch_optional(pool)
        .await?);
    Ok(hash.map(hex::encode))
}

/// Every row of the tables no replay rebuilds.
///
/// # Errors
/// The database failed.
pub async fn read_kept(db: &Db) -> Result<Vec<Kept>, sqlx::Error> {
    let users: Vec<(String, String, String)> =
        sqlx::query_as("select name, password_hash, created_at from users order by name")
            .fetch_all(&db.views)
            .await?;
    let settings: Vec<(String, String)> =
        sqlx::query_as("select key, value from settings order by key")
            .fetch_all(&db.views)
            .await?;
    let counters: Vec<(String, i64)> =
        sqlx::query_as("select name, value from counters order by name")
            .fetch_all(&db.views)
            .await?;
    let users = users
        .into_iter()
        .map(|(name, password_hash, created_at)| Kept::User {
            name,
            password_hash,
            created_at,
        });
    let settings = settings
        .into_iter()
        .map(|(key, value)| Kept::Setting { key, value });
    let counters = counters
        .into_iter()
        .map(|(name, value)| Kept::Counter { name, value });
    Ok(users.chain(settings).chain(counters).collect())
}

/// Writes `rows`, keeping what the target already holds (a copy run again
/// after an interruption writes the same rows twice), in one transaction.
///
/// # Errors
/// The database failed; nothing is written.
pub async fn write_kept(db: &Db, rows: &[Kept]) -> Result<(), sqlx::Error> {
    let mut tx = db.views.begin().await?;
    for row in rows {
        let query = match row {
            Kept::User {
                name,
                password_hash,
                created_at,
            } => sqlx::query(
                "insert into users (name, password_hash, created_at) values ($1, $2, $3) \
                 on conflict (name) do nothing",
            )
            .bind(name)
            .bind(password_hash)
            .bind(created_at),
            Kept::Setting { key, value } => sqlx::query(
                "insert into settings (key, value) values ($1, $2) on conflict (key) do nothing",
            )
            .bind(key)
            .bind(value),
            Kept::Counter { name, value } => sqlx::query(
                "insert into counters (name, value) values ($1, $2) \
                 on conflict (name) do update set value = excluded.value \
                 where counters.value < excluded.value",
            )
            .bind(name)
            .bind(*value),
        };
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}
