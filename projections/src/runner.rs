//! The projector: tails the log and keeps every view up to date.
//!
//! Each view has a checkpoint, the position of the last event it applied.
//! A batch is applied to a view and its checkpoint is moved in the *same*
//! transaction, so a crash at any point leaves view and checkpoint in step:
//! the batch is applied entirely or not at all, and exactly once.
//!
//! Several Riff processes may share one database. Each runs a projector;
//! the first statement of a batch locks the view's checkpoint row and reads
//! it afresh, so two projectors never apply the same event twice — the
//! second waits, then skips what the first applied.
//!
//! A replay on PostgreSQL swaps in its tables with the checkpoints at its
//! own position, which may be behind the projector's: the projector then
//! applies the events after it again, to the new tables (`crate::replay`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use tokio::sync::{watch, Notify};

use crate::log::{self, Envelope};
use crate::view::View;
use crate::{Db, ProjectionError};

/// Events read and applied per transaction: large enough to amortise the
/// commit, small enough that a batch takes milliseconds.
const BATCH: i64 = 1000;

/// How often an idle projector looks for events appended by another process.
/// Appends made by this process wake it at once through [`Projector::nudge`].
const IDLE_POLL: Duration = Duration::from_millis(200);

/// After an error the projector waits this long before trying again.
const ERROR_BACKOFF: Duration = Duration::from_secs(2);

/// What one [`Projector::run_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied this many events.
    Worked(usize),
    /// Nothing new in the log.
    Idle,
}

pub struct Projector {
    db: Db,
    views: Vec<Arc<dyn View>>,
    /// The position every view has reached; read-your-writes waits on it.
    applied: watch::Sender<i64>,
    wake: Notify,
}

impl Projector {
    /// Prepares the views' checkpoints (a new view starts at zero).
    ///
    /// # Errors
    /// The database could not be written.
    pub async fn new(db: Db, views: Vec<Arc<dyn View>>) -> Result<Self, ProjectionError> {
        for view in &views {
            sqlx::query(
                "insert into projection_checkpoints (view, position) values ($1, 0) \
                 on conflict (view) do nothing",
            )
            .bind(view.name())
            .execute(&db.views)
            .await?;
        }
        let projector = Self {
            db,
            views,
            applied: watch::Sender::new(0),
            wake: Notify::new(),
        };
        let reached = projector.lowest_checkpoint().await?;
        projector.applied.send_replace(reached);
        Ok(projector)
    }

    async fn lowest_checkpoint(&self) -> Result<i64, ProjectionError> {
        let mut lowest = i64::MAX;
        for view in &self.views {
            let position: i64 =
                sqlx::query_scalar("select position from projection_checkpoints where view = $1")
                    .bind(view.name())
                    .fetch_one(&self.db.views)
                    .await?;
            lowest = lowest.min(position);
        }
        Ok(if self.views.is_empty() { 0 } else { lowest })
    }

    /// Applies the next batch of events to every view that has not seen
    /// them.
    ///
    /// # Errors
    /// The database failed, or an event cannot be decoded (the projector then
    /// stops at that event rather than skip it).
    pub async fn run_once(&self) -> Result<Outcome, ProjectionError> {
        let from = self.lowest_checkpoint().await?;
        let batch = log::read_after(&self.db, from, BATCH).await?;
        let Some(last) = batch.last().map(|e| e.position) else {
            self.applied.send_if_modified(|reached| {
                let moved = *reached != from;
                *reached = from;
                moved
            });
            return Ok(Outcome::Idle);
        };
        let envelopes = batch
            .iter()
            .map(|e| e.decode())
            .collect::<Result<Vec<Envelope>, _>>()?;

        let mut tx = self.db.views.begin().await?;
        let mut reached = last;
        for view in &self.views {
            // Locks the checkpoint row until commit: another projector on the
            // same database waits here, then sees how far this one got.
            let checkpoint: i64 = sqlx::query_scalar(
                "update projection_checkpoints set position = position where view = $1 \
                 returning position",
            )
            .bind(view.name())
            .fetch_one(&mut *tx)
            .await?;
            if checkpoint < from {
                // A replay swapped in its tables after this batch was read,
                // and the view now stands before the batch's start: the
                // events in between are not in hand. The next batch is read
                // from the replay's position.
                reached = reached.min(checkpoint);
                continue;
            }
            let unseen = envelopes.partition_point(|e| e.position <= checkpoint);
            view.apply_batch(&mut tx, &envelopes[unseen..], None)
                .await?;
            if last > checkpoint {
                sqlx::query("update projection_checkpoints set position = $1 where view = $2")
                    .bind(last)
                    .bind(view.name())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        self.applied.send_replace(reached);
        Ok(Outcome::Worked(envelopes.len()))
    }

    /// Applies batches until the log has nothing more to give.
    ///
    /// # Errors
    /// As [`Projector::run_once`].
    pub async fn run_until_idle(&self) -> Result<usize, ProjectionError> {
        let mut total = 0;
        while let Outcome::Worked(n) = self.run_once().await? {
            total += n;
        }
        Ok(total)
    }

    /// Tails the log until `shutdown` completes, finishing the batch in hand.
    /// A backlog (a restored database, a long outage) is worked through
    /// batch after batch, but `shutdown` is heard between any two of them:
    /// the rest waits for the next start, from the checkpoint.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let pause = match self.run_once().await {
                Ok(Outcome::Worked(_)) if (&mut shutdown).now_or_never().is_some() => return,
                Ok(Outcome::Worked(_)) => continue,
                Ok(Outcome::Idle) => IDLE_POLL,
                Err(error) => {
                    tracing::error!(error.message = %error, "projector failed; retrying");
                    ERROR_BACKOFF
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Tells the projector that this process just appended events.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Waits until every view has applied `position`, at most `limit`.
    /// Returns whether it got there.
    pub async fn wait_for(&self, position: i64, limit: Duration) -> bool {
        self.nudge();
        let mut reached = self.applied.subscribe();
        tokio::time::timeout(limit, reached.wait_for(|p| *p >= position))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The position every view has reached.
    pub fn position(&self) -> i64 {
        *self.applied.borrow()
    }
}
