//! Moving a shop between databases: `riff store copy` (SQLite to
//! PostgreSQL and back), `riff backup` and `riff restore`.
//!
//! All three carry the same things — the log, event for event with its
//! position, time and link, and the tables no replay rebuilds
//! ([`riff_projections::archive`]) — and all three end the same way: the
//! views rebuilt by a replay on the other side, and the two logs compared
//! by their event count and head hash. A link recomputed on the other side
//! that differs from the one the event brought stops the move at that
//! event, so a copy is checked event by event, not only at the end.

use riff_projections::archive::{self, ArchiveError};
use riff_projections::{replay, view, Db, ProjectionError};

pub mod backup;
pub mod copy;

pub use backup::{backup, restore, BackupError, Header};
pub use copy::{copy, CopyError};

/// The log's size and head, as both ends of a move compare them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LogSummary {
    pub events: u64,
    pub head: Option<String>,
}

/// How many events a move writes per transaction: big enough to be quick,
/// small enough that an interrupted copy loses little and the write lock
/// is held briefly.
const BATCH: usize = 500;

/// Why the target's log could not be built or checked.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("the target database {0}")]
    Database(#[from] ProjectionError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("the target database failed: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("the target's log does not match: it holds {found_events} events with head {found_head}, the source {events} with head {head}; drop the target database and run again")]
    Differs {
        events: u64,
        head: String,
        found_events: u64,
        found_head: String,
    },
}

/// Rebuilds every view on `target` from its log, then checks its log
/// against `expected`.
async fn finish(
    target: &Db,
    expected: &LogSummary,
    progress: &mut impl FnMut(Step),
) -> Result<(), TargetError> {
    let views = view::all();
    replay::rebuild(target, &views, |done, total| {
        progress(Step::Replaying { done, total })
    })
    .await?;
    let (events, head) =
        archive::summary_at(&target.store, archive::stable_end(&target.store).await?).await?;
    if events != expected.events || head != expected.head {
        let none = || "none".to_owned();
        return Err(TargetError::Differs {
            events: expected.events,
            head: expected.head.clone().unwrap_or_else(none),
            found_events: events,
            found_head: head.unwrap_or_else(none),
        });
    }
    Ok(())
}

/// Where a move stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Events checked or written so far, of how many.
    Events { done: u64, total: u64 },
    /// The views being rebuilt on the target.
    Replaying { done: u64, total: u64 },
}
