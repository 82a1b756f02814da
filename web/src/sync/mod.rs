//! The sync engine: what keeps the marketplaces in step with the ledger.
//!
//! Three loops, each thin, each deciding through a pure function in
//! `riff_domain::policy`:
//!
//! - [`sagas`] read the log from their own checkpoint and react: a sale ends
//!   the product's other listings, a price change updates them, a listing
//!   found on a platform is linked or imported, a webhook asks for a
//!   reconcile.
//! - [`effects`] is the outbox: the listings that wait for a marketplace
//!   call (derived from the log by the listing index) are published, updated
//!   or ended through the adapters, and the outcome is appended.
//! - [`reconcile`] scans platforms, diffs the scans against the listing
//!   index and appends what changed.
//!
//! Everything a loop does is an append to the log, and everything it reads
//! comes from the log, so a process killed at any point resumes where the
//! log says, and [`leader`] makes sure that among several processes sharing
//! one PostgreSQL only one runs them.

mod attempts;
pub mod effects;
mod error;
pub mod leader;
mod look;
pub mod reconcile;
pub(crate) mod request;
mod runs;
pub mod sagas;
pub mod schedule;
mod shop;
mod stop;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use riff_domain::listing::readiness::ShopTerms;
use riff_domain::policy::{PlatformPriority, RetryPolicy};
use riff_domain::port::Marketplace;
use riff_domain::sync_run::Trigger;
use riff_domain::value::{Currency, Platform};
use riff_domain::{EventMetadata, Source};
use riff_projections::{Db, Projector};
use tokio::sync::{mpsc, Mutex};
use uuid::Uuid;

use crate::ledger::Ledger;
use crate::metrics::Metrics;

pub use effects::EffectCounts;
pub use error::SyncError;
pub use reconcile::RunSummary;
pub use runs::SyncRequest;
use runs::{batch, Run};
pub use shop::Shop;
pub(crate) use stop::{stopped, stopping};

/// What the loops share.
pub struct Engine {
    pub db: Db,
    pub ledger: Arc<Ledger>,
    pub projector: Arc<Projector>,
    /// The configured platforms' adapters; a platform without credentials
    /// is not here.
    pub platforms: BTreeMap<Platform, Arc<dyn Marketplace>>,
    pub priority: PlatformPriority,
    pub currency: Currency,
    pub retry: RetryPolicy,
    pub metrics: Arc<Metrics>,
    /// Public addresses of the product images, for the platforms to fetch.
    pub public_url: String,
    pub terms: ShopTerms,
    /// How long edits gather before a listing is revised.
    pub revise_delay: Duration,
    /// One full scan at a time: two would both see a new listing and both
    /// try to import it (harmless, the second is refused, but wasteful).
    scanning: Mutex<()>,
    /// One targeted look at a time, beside any scan: a sale must not wait
    /// minutes for the scan of a large store, and what both append is
    /// appended once (a known order is ignored, a detected id is taken).
    looking: Mutex<()>,
    requests: mpsc::UnboundedSender<SyncRequest>,
    pending: Mutex<Option<mpsc::UnboundedReceiver<SyncRequest>>>,
}

impl Engine {
    pub fn new(
        db: Db,
        ledger: Arc<Ledger>,
        projector: Arc<Projector>,
        platforms: BTreeMap<Platform, Arc<dyn Marketplace>>,
        shop: Shop,
        metrics: Arc<Metrics>,
    ) -> Self {
        let (requests, pending) = mpsc::unbounded_channel();
        let Shop {
            priority,
            currency,
            public_url,
            terms,
            revise_delay,
        } = shop;
        Self {
            db,
            ledger,
            projector,
            platforms,
            priority,
            currency,
            retry: RetryPolicy::default(),
            metrics,
            public_url,
            terms,
            revise_delay,
            scanning: Mutex::new(()),
            looking: Mutex::new(()),
            requests,
            pending: Mutex::new(Some(pending)),
        }
    }

    /// Asks the leader's reconcile loop for a run (the schedule and the
    /// webhook saga, which run only on the leader, ask here).
    pub fn request_sync(&self, platform: Option<Platform>, trigger: Trigger) {
        self.send_request(platform, trigger, Vec::new());
    }

    /// Asks for a targeted look at `platform`, for a webhook that named
    /// these listings there (none, when it names none Riff can read).
    pub fn request_look(&self, platform: Platform, named: Vec<String>) {
        self.send_request(Some(platform), Trigger::Webhook, named);
    }

    fn send_request(&self, platform: Option<Platform>, trigger: Trigger, named: Vec<String>) {
        // The receiver lives as long as the engine; a send cannot fail
        // while anyone can call this.
        let _ = self.requests.send(SyncRequest {
            run_id: Uuid::new_v4(),
            platform,
            trigger,
            named,
        });
    }

    /// Starts a reconcile in the background (`POST /api/sync`, "Sync now")
    /// and returns its id at once. Any process may run one: what a run
    /// appends is safe to append twice.
    pub fn spawn_sync(self: &Arc<Self>, platform: Option<Platform>, trigger: Trigger) -> Uuid {
        let run_id = Uuid::new_v4();
        let engine = self.clone();
        tokio::spawn(async move {
            let platforms = engine.chosen(platform);
            if let Err(error) = reconcile::run(&engine, run_id, trigger, &platforms).await {
                tracing::error!(%error, %run_id, "the sync run failed");
            }
        });
        run_id
    }

    /// The platforms a run covers: the one asked for, or every configured one.
    pub fn chosen(&self, platform: Option<Platform>) -> Vec<Platform> {
        match platform {
            Some(p) => vec![p],
            None => self.platforms.keys().copied().collect(),
        }
    }

    /// Runs every loop until `stop` says so: reconcile requests and the
    /// schedule, the sagas, and the effects worker. Only the leader runs
    /// this (see [`leader`]).
    pub async fn run(
        self: Arc<Self>,
        stop: tokio::sync::watch::Receiver<bool>,
        times: schedule::Schedule,
    ) {
        let Some(mut requests) = self.pending.lock().await.take() else {
            tracing::error!("the sync engine is already running in this process");
            return;
        };
        let sagas = {
            let engine = self.clone();
            let stop = stop.clone();
            tokio::spawn(async move { sagas::run(&engine, stop).await })
        };
        let effects = {
            let engine = self.clone();
            let stop = stop.clone();
            tokio::spawn(async move { effects::run(&engine, stop).await })
        };
        let scheduled = {
            let engine = self.clone();
            let stop = stop.clone();
            tokio::spawn(async move { times.run(&engine, stop).await })
        };
        let mut stopping = stop.clone();
        // Full scans run beside the loop, so that webhooks' targeted looks
        // are not held up by the scan of a large store.
        let mut scans = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                () = self::stopped(&mut stopping) => break,
                request = requests.recv() => {
                    let Some(request) = request else { break };
                    // Webhooks come in bursts (a sale, then its payment, …):
                    // the runs answer every request already waiting.
                    let mut waiting = vec![request];
                    while let Ok(more) = requests.try_recv() {
                        waiting.push(more);
                    }
                    for run in batch(&waiting, |platform| self.chosen(platform)) {
                        if look::Look::for_trigger(run.trigger) == look::Look::Everything {
                            let engine = self.clone();
                            scans.spawn(async move { engine.reconcile(run).await });
                        } else {
                            self.reconcile(run).await;
                        }
                    }
                    while scans.try_join_next().is_some() {}
                }
            }
        }
        scans.join_all().await;
        for task in [sagas, effects, scheduled] {
            let _ = task.await;
        }
        *self.pending.lock().await = Some(requests);
    }

    /// Makes one run the loop decided on; a failure is logged, and the
    /// next run starts afresh.
    async fn reconcile(&self, run: Run) {
        let outcome =
            reconcile::run_naming(self, run.run_id, run.trigger, &run.platforms, &run.named).await;
        if let Err(error) = outcome {
            tracing::error!(%error, run_id = %run.run_id, "the sync run failed");
        }
    }

    /// Reconciles, then carries out everything the run caused — imports,
    /// ends, updates — and returns when nothing is left to do: `riff sync`.
    ///
    /// # Errors
    /// The database failed.
    pub async fn sync_once(
        &self,
        platforms: &[Platform],
        trigger: Trigger,
    ) -> Result<(RunSummary, EffectCounts), SyncError> {
        self.settle().await?;
        let summary = reconcile::run(self, Uuid::new_v4(), trigger, platforms).await?;
        let effects = self.settle().await?;
        Ok((summary, effects))
    }

    /// Runs the projector, the sagas and the effects worker until none has
    /// anything left, waiting out retries that are due soon.
    ///
    /// # Errors
    /// The database failed.
    pub async fn settle(&self) -> Result<EffectCounts, SyncError> {
        let mut counts = EffectCounts::default();
        loop {
            self.projector.run_until_idle().await?;
            let reacted = sagas::run_until_idle(self).await?;
            self.projector.run_until_idle().await?;
            let round = effects::run_due(self).await?;
            let did = round.total();
            counts.add(&round);
            if reacted == 0 && did == 0 {
                match effects::next_due_in(self).await? {
                    Some(wait) => tokio::time::sleep(wait.min(Duration::from_secs(30))).await,
                    None => return Ok(counts),
                }
            }
        }
    }

    pub(crate) fn meta(
        source: Source,
        correlation_id: Uuid,
        cause: Option<String>,
    ) -> EventMetadata {
        EventMetadata {
            actor: EventMetadata::SYSTEM.to_owned(),
            source,
            correlation_id,
            causation_id: cause,
        }
    }
}
