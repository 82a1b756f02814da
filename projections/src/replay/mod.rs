//! Replay: rebuild views from position zero.
//!
//! A replay fills fresh tables with every event up to the log's safe
//! position and puts them in place of the views' tables, with the views'
//! checkpoints, in one transaction — how depends on the backend
//! ([`postgres`], [`sqlite`]). Until that commit every reader keeps seeing
//! the old, complete views, so a running `riff serve` never shows a
//! half-built view and keeps answering.
//!
//! A replay only reads the log and writes views: it never runs a saga and
//! never calls a marketplace.
//!
//! # Why it is fast
//!
//! The projector applies the log in position order, a batch at a time, and
//! must load every product or listing a batch touches before folding the
//! batch into it. A replay does not read in position order. It reads the
//! products' events, then the listings', *grouped by aggregate* (the events
//! table's primary key order), each in one streamed query, and hands the
//! views batches that never split an aggregate's history. Every aggregate in a
//! batch then starts with its creation, so a view has nothing to load: it
//! folds each row in memory and writes it once. Memory stays bounded by the
//! batch, whatever the length of the log. (On SQLite each aggregate's
//! events come as one row, joined: sqlx's SQLite driver hands rows over
//! from a thread of its own one at a time, at a cost that dwarfed reading
//! them; see `log::aggregate_rows`. There the bound is the batch or the
//! longest history, whichever is longer.)
//!
//! That is only correct because a view's rows for one product or listing
//! depend on that aggregate's events alone, never on another's, or on how
//! the aggregates' events interleave. The other aggregate types (settings,
//! sync runs, deliveries) have views that do depend on the order across
//! aggregates (the latest sync per platform), so they are replayed after,
//! in log order. A view that comes to depend on another aggregate's events
//! must say so here.
//!
//! Reading and decoding run in a task of their own, a couple of batches
//! ahead of the views' writes, so that on two cores the decoding overlaps
//! the database's work. Each view is handed only the parts of the log that
//! hold its aggregate types ([`View::aggregate_types`]), and is done once
//! they are read: on PostgreSQL the inventory's indexes, the longest to
//! build, are built while the listings are read.

use std::sync::Arc;

use futures::TryStreamExt;
use sqlx::{AnyConnection, Executor};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

mod postgres;
mod sqlite;

use crate::db::StorePool;
use crate::log::{self, Envelope, ReplayPart, ReplaySource};
use crate::view::View;
use crate::{Db, ProjectionError};

/// Events per batch handed to the views (a little more, so as not to split
/// an aggregate). Larger batches make fewer, fuller statements; the batch
/// is all a replay holds in memory, with the two read ahead.
const BATCH: usize = 5000;

/// An aggregate with a history longer than this is split across batches
/// after all; the views then load its row, as the projector does.
const LONGEST: usize = 4 * BATCH;

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
    progress: impl FnMut(u64, u64),
) -> Result<Replayed, ProjectionError> {
    match &db.store {
        StorePool::Postgres(store) => postgres::rebuild(db, store, views, progress).await,
        StorePool::Sqlite(_) => sqlite::rebuild(db, views, progress).await,
    }
}

/// The log a replay reads: its bound, how many events lie at or below it,
/// and the batches, read and decoded ahead in a task of their own.
struct Log {
    total: u64,
    batches: mpsc::Receiver<Result<(ReplayPart, Vec<Envelope>), ProjectionError>>,
    reader: JoinHandle<()>,
    /// The part of the log the last batch came from: every part before it
    /// is read.
    part: ReplayPart,
    /// How far the batches received so far reach.
    done: u64,
    position: i64,
}

impl Log {
    /// Starts reading, up to the log's safe position now, the parts of the
    /// log that `views` apply: rebuilding the inventory alone reads no
    /// listing.
    ///
    /// # Errors
    /// [`ProjectionError::UnknownAggregateType`] if the log holds events of
    /// a type this Riff does not know (no part reads them: views rebuilt
    /// without them would be silently wrong), before any work is done.
    async fn open(db: &Db, views: &[Arc<dyn View>]) -> Result<Self, ProjectionError> {
        let unknown: Vec<String> = log::aggregate_types(db)
            .await?
            .into_iter()
            .filter(|t| !ReplayPart::ALL.iter().any(|part| part.holds_any(&[t])))
            .collect();
        if !unknown.is_empty() {
            return Err(ProjectionError::UnknownAggregateType { types: unknown });
        }
        let parts: Vec<ReplayPart> = ReplayPart::ALL
            .into_iter()
            .filter(|part| views.iter().any(|v| part.holds_any(v.aggregate_types())))
            .collect();
        let bound = log::safe_position(db).await?;
        let total = if parts.len() == ReplayPart::ALL.len() {
            log::count(db, bound, None).await?
        } else {
            let mut total = 0;
            for part in &parts {
                total += log::count(db, bound, Some(*part)).await?;
            }
            total
        };
        // Two batches in flight: one being decoded, one waiting.
        let (sender, batches) = mpsc::channel(2);
        let store = db.store.clone();
        let first = parts.first().copied().unwrap_or(ReplayPart::Rest);
        let reader = tokio::spawn(async move {
            if let Err(error) = read(&store, bound, &parts, &sender).await {
                // The receiver is gone only if the replay already failed.
                let _ = sender.send(Err(error)).await;
            }
        });
        Ok(Self {
            total,
            batches,
            reader,
            part: first,
            done: 0,
            position: 0,
        })
    }

    /// The next batch, or `None` once the log up to the bound is read.
    async fn next(&mut self) -> Result<Option<Vec<Envelope>>, ProjectionError> {
        let Some((part, batch)) = self.batches.recv().await.transpose()? else {
            return Ok(None);
        };
        self.part = part;
        self.done += batch.len() as u64;
        // The grouped part is not in log order: the views stand at the
        // newest position read, wherever it came.
        self.position = batch
            .iter()
            .map(|e| e.position)
            .fold(self.position, i64::max);
        Ok(Some(batch))
    }

    /// Whether the last batch is of a part that holds events of any of
    /// `aggregate_types`: a view reading none of them can skip it.
    fn concerns(&self, aggregate_types: &[&str]) -> bool {
        self.part.holds_any(aggregate_types)
    }

    /// Whether every event of `aggregate_types` has been handed over: the
    /// part being read and every part after it hold none of them.
    fn is_past(&self, aggregate_types: &[&str]) -> bool {
        ReplayPart::ALL
            .iter()
            .skip_while(|part| **part != self.part)
            .all(|part| !part.holds_any(aggregate_types))
    }

    /// What the replay read, once every batch has been taken.
    async fn finish(self) -> Replayed {
        if let Err(failed) = self.reader.await {
            if failed.is_panic() {
                std::panic::resume_unwind(failed.into_panic());
            }
        }
        Replayed {
            events: self.done,
            position: self.position,
        }
    }
}

/// Reads `parts` of the log up to `bound` for a replay and sends them on in
/// batches, part by part: a grouped part in batches that end between two
/// aggregates, the rest in log order.
async fn read(
    store: &StorePool,
    bound: i64,
    parts: &[ReplayPart],
    sender: &mpsc::Sender<Result<(ReplayPart, Vec<Envelope>), ProjectionError>>,
) -> Result<(), ProjectionError> {
    let mut source = ReplaySource::open(store).await?;
    for &part in parts {
        if part == ReplayPart::Rest {
            source.allow_sorting().await?;
        }
        let mut events = log::for_replay(&mut source, bound, part);
        let mut batch: Vec<Envelope> = Vec::with_capacity(BATCH);
        while let Some(event) = events.try_next().await? {
            let full = match (part, batch.last()) {
                (_, None) => false,
                (ReplayPart::Rest, Some(_)) => batch.len() >= BATCH,
                (ReplayPart::Grouped(_), Some(last)) => {
                    let next_aggregate = last.aggregate_id != event.aggregate_id;
                    (batch.len() >= BATCH && next_aggregate) || batch.len() >= LONGEST
                }
            };
            if full {
                let next = Vec::with_capacity(BATCH);
                let full = std::mem::replace(&mut batch, next);
                if sender.send(Ok((part, full))).await.is_err() {
                    return Ok(());
                }
            }
            batch.push(event);
        }
        if !batch.is_empty() && sender.send(Ok((part, batch))).await.is_err() {
            return Ok(());
        }
    }
    source.close().await
}

/// Runs one statement unprepared: each is run once, and none belongs in
/// the connection's statement cache.
async fn execute(conn: &mut AnyConnection, sql: &str) -> Result<(), sqlx::Error> {
    conn.execute(sql).await.map(drop)
}
