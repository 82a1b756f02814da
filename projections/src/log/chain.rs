//! The log's hash chain: what makes a rewritten event visible.
//!
//! Triggers refuse `UPDATE` and `DELETE` on `events`, but the table's owner
//! can disable them. So every event is also linked to the one before it:
//!
//! ```text
//! link(n) = SHA-256(link(n - 1) || canonical bytes of event n)
//! ```
//!
//! with [`GENESIS`] before the first. Changing any event changes its link
//! and every link after it, so a head link kept somewhere else proves that
//! nothing up to it has changed since (`riff verify` prints it).
//!
//! PostgreSQL links each event in the trigger that gives it its position
//! (`migrations/postgres/0012_event_chain.sql`); SQLite has no SHA-256 in
//! SQL, so Riff links there in Rust, in the appending transaction
//! ([`link_appended`]). Both write the same bytes: [`canonical`] here and
//! `events_canonical` there are one definition, and a test holds them to it.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::{LogEvent, RawEvent};
use crate::pool::{on_store, StorePool};
use crate::ProjectionError;

/// A link in the chain.
pub type Link = [u8; 32];

/// What the first event is linked to.
pub const GENESIS: Link = [0; 32];

/// The fields of an event that its link covers, as stored. The payload
/// and metadata are the stored text, byte for byte: the JSON is not parsed,
/// so a change of spacing or key order is a change.
pub type Linked = LogEvent<String>;

/// The event's canonical bytes: each field as a netstring
/// (`<byte length>:<bytes>,`), so that no two different events share them,
/// and the time as RFC 3339 in UTC with microseconds, as PostgreSQL keeps
/// it.
pub fn canonical(event: &Linked) -> Vec<u8> {
    let recorded_at = event
        .recorded_at
        .to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields = [
        event.position.to_string(),
        event.aggregate_type.clone(),
        event.aggregate_id.clone(),
        event.sequence.to_string(),
        event.event_type.clone(),
        event.event_version.clone(),
        event.payload.clone(),
        event.metadata.clone(),
        recorded_at,
    ];
    let mut bytes = String::new();
    for field in fields {
        // Writing to a String cannot fail.
        let _ = write!(bytes, "{}:{field},", field.len());
    }
    bytes.into_bytes()
}

/// The link of `event`, following `previous`.
pub fn link(previous: &Link, event: &Linked) -> Link {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(canonical(event));
    hasher.finalize().into()
}

/// SQLite keeps `recorded_at` as text (`2026-12-07T10:00:00.123Z`, or with
/// microseconds when copied from PostgreSQL). Text that is not a time was
/// not written by Riff; it reads as the epoch, whose link cannot match.
fn sqlite_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

const SQLITE_EVENT: &str = "select position, aggregate_type, aggregate_id, sequence, event_type, \
     event_version, payload, metadata, recorded_at from events where position = $1";

fn sqlite_linked(row: &sqlx::sqlite::SqliteRow) -> Result<Linked, sqlx::Error> {
    RawEvent::from_row(row, sqlite_time(row.try_get(8)?)).map(Linked::from)
}

impl From<RawEvent<'_>> for Linked {
    fn from(raw: RawEvent<'_>) -> Self {
        Self {
            position: raw.position,
            aggregate_type: raw.aggregate_type.to_owned(),
            aggregate_id: raw.aggregate_id.to_owned(),
            sequence: raw.sequence,
            event_type: raw.event_type.to_owned(),
            event_version: raw.event_version.to_owned(),
            payload: raw.payload.to_owned(),
            metadata: raw.metadata.to_owned(),
            recorded_at: raw.recorded_at,
        }
    }
}

/// Links the events at `positions`, which the transaction on `conn` has
/// just appended, to the chain: on SQLite, the append's last step before
/// it commits. The transaction holds SQLite's one write lock, so the link
/// before them is committed and no other append can come between.
///
/// Only the events given are linked: an event written around Riff stays
/// unlinked, for `riff verify` to name.
///
/// # Errors
/// The database failed; the caller rolls the append back.
pub async fn link_appended(
    conn: &mut SqliteConnection,
    positions: &[i64],
) -> Result<(), sqlx::Error> {
    let Some(first) = positions.iter().min() else {
        return Ok(());
    };
    let previous: Option<Vec<u8>> = sqlx::query_scalar(
        "select hash from events_chain where position < $1 order by position desc limit 1",
    )
    .bind(first)
    .fetch_optional(&mut *conn)
    .await?;
    let mut previous = previous
        .and_then(|bytes| Link::try_from(bytes).ok())
        .unwrap_or(GENESIS);
    let mut positions = positions.to_vec();
    positions.sort_unstable();
    for position in positions {
        let row = sqlx::query(SQLITE_EVENT)
            .bind(position)
            .fetch_one(&mut *conn)
            .await?;
        previous = link(&previous, &sqlite_linked(&row)?);
        sqlx::query("insert into events_chain (position, hash) values ($1, $2)")
            .bind(position)
            .bind(previous.as_slice())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// How many events the SQLite backfill links per transaction: small enough
/// that the write lock is held for milliseconds.
const BACKFILL_BATCH: i64 = 500;

/// Links, once, the SQLite events that were in the log before the chain
/// existed (`migrations/sqlite/0015_event_chain.sql` notes how far they
/// go). Run right after the migrations, before anything appends.
///
/// # Errors
/// The database failed; what was linked stays linked, and the next start
/// goes on from there.
pub async fn backfill_sqlite(pool: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
    let Some(up_to): Option<i64> = sqlx::query_scalar("select up_to from events_chain_backfill")
        .fetch_optional(pool)
        .await?
    else {
        return Ok(());
    };
    loop {
        let mut tx = pool.begin().await?;
        let positions: Vec<i64> = sqlx::query_scalar(
            "select position from events e where position <= $1 \
             and not exists (select 1 from events_chain c where c.position = e.position) \
             order by position limit $2",
        )
        .bind(up_to)
        .bind(BACKFILL_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if positions.is_empty() {
            sqlx::query("delete from events_chain_backfill")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(());
        }
        link_appended(&mut tx, &positions).await?;
        tx.commit().await?;
    }
}

/// What walking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// Events whose link was checked and found right.
    pub events: u64,
    /// The link of the last of those, in hex: keep it, and a later
    /// `riff verify` that walks past it proves nothing before it changed.
    pub head: Option<String>,
    pub ok: bool,
    /// The first position where the chain does not hold.
    pub first_bad_position: Option<i64>,
    /// What is wrong there, in words.
    pub problem: Option<String>,
    /// Where the head hash kept from an earlier walk was found again: the
    /// position of the event it is the link of (absent when none was
    /// given, or when it is not in the chain).
    pub kept_head_position: Option<i64>,
}

/// How many events [`verify`] reads at a time: memory stays bounded
/// whatever the length of the log.
const VERIFY_PAGE: i64 = 1000;

const PG_PAGE: &str = "select e.position, e.aggregate_type, e.aggregate_id, e.sequence, \
     e.event_type, e.event_version, e.payload::text, e.metadata::text, e.recorded_at, c.hash \
     from events e left join events_chain c on c.position = e.position \
     where e.position > $1 order by e.position limit $2";

const SQLITE_PAGE: &str = "select e.position, e.aggregate_type, e.aggregate_id, e.sequence, \
     e.event_type, e.event_version, e.payload, e.metadata, e.recorded_at, c.hash \
     from events e left join events_chain c on c.position = e.position \
     where e.position > $1 order by e.position limit $2";

/// Walks the whole chain from the first event, recomputing every link
/// from the event as stored and comparing it with the link recorded when
/// it was appended. `kept` is a head hash printed by an earlier walk: the
/// chain holds only if it is the link of one of the events. `progress` is
/// told how many events have been checked and how many there are.
///
/// # Errors
/// The database failed (not a broken chain: that is a [`Verification`]).
pub async fn verify(
    store: &StorePool,
    kept: Option<Link>,
    mut progress: impl FnMut(u64, u64),
) -> Result<Verification, ProjectionError> {
    let total: i64 = on_store!(store, |pool| sqlx::query_scalar(
        "select count(*) from events"
    )
    .fetch_one(pool)
    .await?);
    let total = u64::try_from(total).unwrap_or_default();
    // The walk stops at the end of the log as it is now: what is appended
    // meanwhile is for the next walk, not a "missing" event.
    let end: i64 = on_store!(store, |pool| sqlx::query_scalar(
        "select coalesce(max(position), 0) from events"
    )
    .fetch_one(pool)
    .await?);
    let mut walk = Walk::default();
    loop {
        let mut page = read_page(store, walk.last_position).await?;
        page.retain(|(event, _)| event.position <= end);
        if page.is_empty() {
            break;
        }
        for (event, recorded) in page {
            let expected = link(&walk.previous, &event);
            if recorded.as_deref() != Some(expected.as_slice()) {
                let (position, words) =
                    diagnose(store, walk.last_position, &event, recorded.is_some()).await?;
                return Ok(walk.found(Some((Some(position), words))));
            }
            walk.pass(&event, expected, kept);
        }
        progress(walk.checked, total);
    }
    let problem = walk.problem_at_end(store, kept).await?;
    Ok(walk.found(problem))
}

/// How far a walk along the chain has got.
struct Walk {
    /// The link of the last event checked ([`GENESIS`] before the first).
    previous: Link,
    /// How many events have been checked and found right.
    checked: u64,
    last_position: i64,
    /// The position of the event whose link is the kept head, once seen.
    kept_head_position: Option<i64>,
}

impl Default for Walk {
    fn default() -> Self {
        Self {
            previous: GENESIS,
            checked: 0,
            last_position: 0,
            kept_head_position: None,
        }
    }
}

impl Walk {
    /// Moves past `event`, whose link is right: `link`.
    fn pass(&mut self, event: &Linked, link: Link, kept: Option<Link>) {
        if kept == Some(link) {
            self.kept_head_position = Some(event.position);
        }
        self.previous = link;
        self.last_position = event.position;
        self.checked += 1;
    }

    /// What is wrong once every event has been checked: a link past the
    /// last event (the events it covered were removed), or a kept head the
    /// walk never met.
    async fn problem_at_end(
        &self,
        store: &StorePool,
        kept: Option<Link>,
    ) -> Result<Option<(Option<i64>, String)>, sqlx::Error> {
        if let Some(p) = first_link_after(store, self.last_position).await? {
            return Ok(Some((
                Some(p),
                format!("the event at position {p} is missing from the log"),
            )));
        }
        Ok(match (kept, self.kept_head_position) {
            (Some(kept), None) => Some((
                None,
                format!(
                    "the head hash kept from an earlier walk, {}, is not a link of this log: an event at or before the one it was taken at has changed or is missing, or it is another shop's",
                    hex::encode(kept)
                ),
            )),
            _ => None,
        })
    }

    /// The walk's verdict, with the problem it found (its position, where
    /// it has one, and its words), if any.
    fn found(&self, problem: Option<(Option<i64>, String)>) -> Verification {
        Verification {
            events: self.checked,
            head: (self.checked > 0).then(|| hex::encode(self.previous)),
            ok: problem.is_none(),
            first_bad_position: problem.as_ref().and_then(|(p, _)| *p),
            problem: problem.map(|(_, words)| words),
            kept_head_position: self.kept_head_position,
        }
    }
}

/// The events after `after`, a page of them, each with its link.
pub(crate) async fn read_page(
    store: &StorePool,
    after: i64,
) -> Result<Vec<(Linked, Option<Vec<u8>>)>, sqlx::Error> {
    match store {
        StorePool::Postgres(pool) => {
            let rows = sqlx::query(PG_PAGE)
                .bind(after)
                .bind(VERIFY_PAGE)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let event = RawEvent::from_row(row, row.try_get(8)?)?;
                    Ok((event.into(), row.try_get(9)?))
                })
                .collect()
        }
        StorePool::Sqlite(pool) => {
            let rows = sqlx::query(SQLITE_PAGE)
                .bind(after)
                .bind(VERIFY_PAGE)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| Ok((sqlite_linked(row)?, row.try_get(9)?)))
                .collect()
        }
    }
}

/// The first link recorded after `position` whose event is not in the log
/// (an event appended meanwhile has both), if any.
async fn first_link_after(store: &StorePool, position: i64) -> Result<Option<i64>, sqlx::Error> {
    let query = "select min(c.position) from events_chain c where c.position > $1 \
                 and not exists (select 1 from events e where e.position = c.position)";
    on_store!(store, |pool| sqlx::query_scalar(query)
        .bind(position)
        .fetch_one(pool)
        .await)
}

/// Why `event`'s link does not hold, after the event at `previous`: an
/// event between them was removed (its link remains), the event was
/// written around Riff (it has no link), or it was changed.
async fn diagnose(
    store: &StorePool,
    previous: i64,
    event: &Linked,
    has_link: bool,
) -> Result<(i64, String), sqlx::Error> {
    if let Some(removed) = first_link_after(store, previous).await? {
        if removed < event.position {
            return Ok((
                removed,
                format!("the event at position {removed} is missing from the log"),
            ));
        }
    }
    let p = event.position;
    Ok(if has_link {
        (
            p,
            format!(
                "the event at position {p} ({} {} of {}) was changed after it was appended",
                event.event_type, event.sequence, event.aggregate_type
            ),
        )
    } else {
        (
            p,
            format!(
                "the event at position {p} ({} {} of {}) was written around Riff: it has no link",
                event.event_type, event.sequence, event.aggregate_type
            ),
        )
    })
}
