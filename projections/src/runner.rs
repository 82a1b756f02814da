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
//! A view that cannot apply an event stalls there alone (`Stall`): the
//! batch is applied to each view inside a savepoint, so its failure undoes
//! that view's part only; the others move on, read-your-writes stops
//! waiting for it, `/healthz` and `/metrics` report it, and it is tried
//! again, less and less often, until it gets past (after an upgrade, say).
//!
//! A replay on PostgreSQL swaps in its tables with the checkpoints at its
//! own position, which may be behind the projector's: the projector then
//! applies the events after it again, to the new tables (`crate::replay`).

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt;
use sqlx::Connection;
use tokio::sync::{watch, Notify};

use crate::log::{self, Envelope, StoredEvent};
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

/// A stalled view is tried again after this long at first, twice as long
/// after each failure since, up to [`STALL_RETRY_MAX`]: a view that cannot
/// apply an event (a key too long for an index in an older release, a disk
/// full) resumes by itself once the cause is gone, without costing the
/// others a failed transaction per batch meanwhile.
const STALL_RETRY_FIRST: Duration = Duration::from_secs(1);
const STALL_RETRY_MAX: Duration = Duration::from_secs(60);

/// What one [`Projector::run_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied this many events (zero when only a stalled view was tried
    /// again, and failed again).
    Worked(usize),
    /// Nothing new in the log.
    Idle,
}

/// A view that could not apply an event: it stays at the event before, the
/// others go on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stall {
    /// The position of the event it could not apply.
    pub stalled_at: i64,
    /// Why, as the database or the decoder said.
    pub error: String,
    /// When it is tried again, and the pause after that.
    #[serde(skip)]
    retry: (Instant, Duration),
}

pub struct Projector {
    db: Db,
    views: Vec<Arc<dyn View>>,
    /// The position every view that is not stalled has reached;
    /// read-your-writes waits on it, so writes never wait on a stalled view.
    applied: watch::Sender<i64>,
    wake: Notify,
    /// The stalled views, by name. A plain mutex: it is held for a lookup
    /// or an insert, never across an await.
    stalls: Mutex<BTreeMap<&'static str, Stall>>,
}

/// How far one view got through a batch.
enum Applied {
    /// Every event.
    All,
    /// Up to the event at `position` (excluded), which failed.
    Until { position: i64, error: String },
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
            stalls: Mutex::new(BTreeMap::new()),
        };
        let reached = projector
            .checkpoints()
            .await?
            .into_iter()
            .min()
            .unwrap_or(0);
        projector.applied.send_replace(reached);
        Ok(projector)
    }

    /// Each view's checkpoint, in the order of `self.views`.
    async fn checkpoints(&self) -> Result<Vec<i64>, ProjectionError> {
        let mut positions = Vec::with_capacity(self.views.len());
        for view in &self.views {
            let position: i64 =
                sqlx::query_scalar("select position from projection_checkpoints where view = $1")
                    .bind(view.name())
                    .fetch_one(&self.db.views)
                    .await?;
            positions.push(position);
        }
        Ok(positions)
    }

    /// The stalled views, by name: what `/healthz`, `/metrics` and the
    /// dashboard show.
    pub fn stalls(&self) -> BTreeMap<&'static str, Stall> {
        self.lock_stalls().clone()
    }

    /// The names of every view, stalled or not.
    pub fn view_names(&self) -> Vec<&'static str> {
        self.views.iter().map(|v| v.name()).collect()
    }

    fn lock_stalls(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Stall>> {
        // A panic while holding it cannot leave the map half-written (one
        // insert or remove), so a poisoned lock is still good to use.
        self.stalls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Applies the next batch of events to every view that has not seen
    /// them. A view that cannot apply an event stalls there, alone: its
    /// checkpoint stays before the event, the others go on, and it is tried
    /// again later ([`STALL_RETRY_FIRST`]) until it gets past.
    ///
    /// # Errors
    /// The database failed (not one view: the log could not be read, or the
    /// transaction not committed).
    pub async fn run_once(&self) -> Result<Outcome, ProjectionError> {
        let checkpoints = self.checkpoints().await?;
        let now = Instant::now();
        let (due, retried) = self.due(now);
        let Some(from) = earliest_due(&checkpoints, &due) else {
            return Ok(Outcome::Idle);
        };
        let stored = log::read_after(&self.db, from, BATCH).await?;
        let Some(batch) = Batch::decode(&stored, from) else {
            self.publish_applied(&checkpoints);
            return Ok(Outcome::Idle);
        };

        let mut tx = self.db.views.begin().await?;
        let mut reached = checkpoints;
        let mut outcomes = Vec::new();
        let mut applied_events = 0;
        for (i, view) in self.views.iter().enumerate().filter(|(i, _)| due[*i]) {
            let step = batch.apply_to(&mut tx, view.as_ref()).await?;
            reached[i] = step.reached;
            applied_events += step.applied;
            if let Some(outcome) = step.outcome {
                outcomes.push((view.name(), outcome));
            }
        }
        tx.commit().await?;
        self.record(outcomes, now);
        self.publish_applied(&reached);
        Ok(if applied_events == 0 && !retried {
            Outcome::Idle
        } else {
            Outcome::Worked(applied_events)
        })
    }

    /// Which views are due for a batch (in the order of `self.views`): every
    /// view that is not stalled, and the stalled ones whose retry time has
    /// come; and whether any of those is such a retry.
    fn due(&self, now: Instant) -> (Vec<bool>, bool) {
        let stalls = self.lock_stalls();
        let due: Vec<bool> = self
            .views
            .iter()
            .map(|v| stalls.get(v.name()).is_none_or(|s| s.retry.0 <= now))
            .collect();
        let retried = self
            .views
            .iter()
            .zip(&due)
            .any(|(v, due)| *due && stalls.contains_key(v.name()));
        (due, retried)
    }

    /// Notes which views stalled, and which got past their stall.
    fn record(&self, outcomes: Vec<(&'static str, Applied)>, now: Instant) {
        let mut stalls = self.lock_stalls();
        for (name, outcome) in outcomes {
            match outcome {
                Applied::All => {
                    if stalls.remove(name).is_some() {
                        tracing::info!(view = name, "the view applies events again");
                    }
                }
                Applied::Until { position, error } => {
                    let pause = stalls
                        .get(name)
                        .filter(|s| s.stalled_at == position)
                        .map_or(STALL_RETRY_FIRST, |s| (s.retry.1 * 2).min(STALL_RETRY_MAX));
                    tracing::error!(
                        view = name,
                        position,
                        error.message = %error,
                        "a view cannot apply an event; it waits there, the others go on"
                    );
                    stalls.insert(
                        name,
                        Stall {
                            stalled_at: position,
                            error,
                            retry: (now + pause, pause),
                        },
                    );
                }
            }
        }
    }

    /// Publishes the position every view that is not stalled has reached.
    fn publish_applied(&self, checkpoints: &[i64]) {
        let stalls = self.lock_stalls();
        let healthy = self
            .views
            .iter()
            .zip(checkpoints)
            .filter(|(v, _)| !stalls.contains_key(v.name()))
            .map(|(_, c)| *c)
            .min();
        drop(stalls);
        if let Some(reached) = healthy {
            self.applied.send_if_modified(|p| {
                let moved = *p != reached;
                *p = reached;
                moved
            });
        }
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

    /// Waits until every view that is not stalled has applied `position`,
    /// at most `limit`. Returns whether it got there.
    pub async fn wait_for(&self, position: i64, limit: Duration) -> bool {
        self.nudge();
        let mut reached = self.applied.subscribe();
        tokio::time::timeout(limit, reached.wait_for(|p| *p >= position))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The position every view that is not stalled has reached.
    pub fn position(&self) -> i64 {
        *self.applied.borrow()
    }
}

/// Where the next batch starts: the earliest checkpoint of the views that
/// are due; `None` when no view is.
fn earliest_due(checkpoints: &[i64], due: &[bool]) -> Option<i64> {
    checkpoints
        .iter()
        .zip(due)
        .filter(|(_, due)| **due)
        .map(|(c, _)| *c)
        .min()
}

/// A batch read from the log, decoded as far as this Riff can read it.
struct Batch {
    /// The position it was read after: the earliest due checkpoint.
    from: i64,
    /// The position of its last event, read or not.
    last: i64,
    /// Its events up to the first that could not be decoded.
    envelopes: Vec<Envelope>,
    /// That event's position, and why it could not be decoded.
    undecodable: Option<(i64, String)>,
}

/// What one view did with a batch.
struct ViewStep {
    /// The view's checkpoint afterwards.
    reached: i64,
    /// How many of the batch's events it applied.
    applied: usize,
    /// How far it got; `None` when the batch starts after its checkpoint.
    outcome: Option<Applied>,
}

impl Batch {
    /// Decodes the events read after `from`; `None` when there are none.
    /// An event this Riff cannot read stalls every view there (each would
    /// need it); the events before it are applied.
    fn decode(stored: &[StoredEvent], from: i64) -> Option<Self> {
        let last = stored.last()?.position;
        let mut envelopes = Vec::with_capacity(stored.len());
        let mut undecodable = None;
        for event in stored {
            match event.decode() {
                Ok(envelope) => envelopes.push(envelope),
                Err(error) => {
                    undecodable = Some((event.position, error.to_string()));
                    break;
                }
            }
        }
        Some(Self {
            from,
            last,
            envelopes,
            undecodable,
        })
    }

    /// Applies the events `view` has not seen and moves its checkpoint
    /// past those it applied, inside `tx`.
    async fn apply_to(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        view: &dyn View,
    ) -> Result<ViewStep, ProjectionError> {
        let checkpoint = lock_checkpoint(tx, view.name()).await?;
        if checkpoint < self.from {
            // A replay swapped in its tables after this batch was read,
            // and the view now stands before the batch's start: the
            // events in between are not in hand. The next batch is read
            // from the replay's position.
            return Ok(ViewStep {
                reached: checkpoint,
                applied: 0,
                outcome: None,
            });
        }
        let unseen = self.envelopes.partition_point(|e| e.position <= checkpoint);
        let events = &self.envelopes[unseen..];
        let applied = apply_guarded(tx, view, events).await?;
        let (moved_to, outcome) = self.stop(checkpoint, events, applied);
        if moved_to > checkpoint {
            sqlx::query("update projection_checkpoints set position = $1 where view = $2")
                .bind(moved_to)
                .bind(view.name())
                .execute(&mut **tx)
                .await?;
        }
        Ok(ViewStep {
            reached: moved_to.max(checkpoint),
            applied: events.iter().filter(|e| e.position <= moved_to).count(),
            outcome: Some(outcome),
        })
    }

    /// Where a view at `checkpoint` stops after applying `events` as far as
    /// `applied` says: past the whole batch, or before the first event it
    /// could not apply or this Riff could not decode.
    fn stop(&self, checkpoint: i64, events: &[Envelope], applied: Applied) -> (i64, Applied) {
        match applied {
            Applied::All => match &self.undecodable {
                Some((position, error)) if *position > checkpoint => (
                    events.last().map_or(checkpoint, |e| e.position),
                    Applied::Until {
                        position: *position,
                        error: error.clone(),
                    },
                ),
                _ => (self.last, Applied::All),
            },
            Applied::Until { position, error } => {
                let before = events
                    .iter()
                    .take_while(|e| e.position < position)
                    .last()
                    .map_or(checkpoint, |e| e.position);
                (before, Applied::Until { position, error })
            }
        }
    }
}

/// Reads a view's checkpoint and locks its row until commit: another
/// projector on the same database waits here, then sees how far this one
/// got.
async fn lock_checkpoint(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    view: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "update projection_checkpoints set position = position where view = $1 \
         returning position",
    )
    .bind(view)
    .fetch_one(&mut **tx)
    .await
}

/// Applies `events` to one view inside a savepoint, so that a failure
/// undoes this view's part alone. On failure the events are applied again
/// one at a time, each in its own savepoint, to find the one that fails:
/// the view keeps every event before it.
async fn apply_guarded(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    view: &dyn View,
    events: &[Envelope],
) -> Result<Applied, ProjectionError> {
    if events.is_empty() {
        return Ok(Applied::All);
    }
    let mut savepoint = tx.begin().await?;
    match view.apply_batch(&mut savepoint, events, None).await {
        Ok(()) => {
            savepoint.commit().await?;
            return Ok(Applied::All);
        }
        Err(_) => savepoint.rollback().await?,
    }
    for event in events {
        let mut savepoint = tx.begin().await?;
        if let Err(error) = view
            .apply_batch(&mut savepoint, std::slice::from_ref(event), None)
            .await
        {
            savepoint.rollback().await?;
            return Ok(Applied::Until {
                position: event.position,
                error: error.to_string(),
            });
        }
        savepoint.commit().await?;
    }
    // Each event went in on its own: the batch's failure came and went.
    Ok(Applied::All)
}
