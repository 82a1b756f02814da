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
pub mod command;
pub mod effects;
pub mod leader;
mod look;
pub mod reconcile;
pub(crate) mod request;
pub mod sagas;
pub mod schedule;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use riff_domain::listing::readiness::ShopTerms;
use riff_domain::policy::{PlatformPriority, RetryPolicy};
use riff_domain::port::Marketplace;
use riff_domain::sync_run::Trigger;
use riff_domain::value::{Currency, Platform};
use riff_domain::{EventMetadata, Source};
use riff_projections::{Db, ProjectionError, Projector};
use tokio::sync::{mpsc, Mutex};
use uuid::Uuid;

use crate::ledger::Ledger;
use crate::metrics::Metrics;

pub use effects::EffectCounts;
pub use reconcile::RunSummary;

/// A reconcile someone asked for: by the API, a webhook or the schedule.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub run_id: Uuid,
    /// `None`: every configured platform.
    pub platform: Option<Platform>,
    pub trigger: Trigger,
    /// The listings on `platform` a webhook named, for a targeted look.
    pub named: Vec<String>,
}

/// The shop's settings the engine decides with.
pub struct Shop {
    pub priority: PlatformPriority,
    pub currency: Currency,
    /// Where marketplaces fetch Riff's images from (`RIFF_PUBLIC_URL`).
    pub public_url: String,
    /// What the shop has set once for every listing, for readiness.
    pub terms: ShopTerms,
    /// How long edits gather before a listing is revised
    /// (`RIFF_REVISE_DELAY`).
    pub revise_delay: Duration,
}

impl From<&crate::config::Config> for Shop {
    fn from(config: &crate::config::Config) -> Self {
        let m = &config.marketplaces;
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        Self {
            priority: config.platform_priority.clone(),
            currency: config.currency,
            public_url: config.public_url(),
            revise_delay: config.revise_delay,
            terms: ShopTerms {
                ebay_location: set(&m.ebay_location) || set(&m.ebay_postal_code),
                ebay_policies: [
                    set(&m.ebay_shipping_profile_id),
                    set(&m.ebay_return_profile_id),
                    set(&m.ebay_payment_profile_id),
                ],
                reverb_shipping: set(&m.reverb_shipping_profile_id),
                public_https: config
                    .public_url
                    .as_deref()
                    .is_some_and(crate::public_net::reachable_https),
            },
        }
    }
}

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
                        if reconcile::Look::for_trigger(run.trigger) == reconcile::Look::Everything {
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

/// One reconcile run to make.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    run_id: Uuid,
    trigger: Trigger,
    platforms: Vec<Platform>,
    /// What the webhooks named, on the platforms of a targeted look.
    named: look::Named,
}

/// The runs that answer every waiting request: first one scan of every
/// platform any request wants scanned, then one targeted look
/// ([`reconcile::Look::Sales`]) at the platforms only webhooks asked
/// about — a scan reads the sales too. Each run takes the id and trigger of
/// its first request; `chosen` says which platforms a request covers.
fn batch(waiting: &[SyncRequest], chosen: impl Fn(Option<Platform>) -> Vec<Platform>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for look in [reconcile::Look::Everything, reconcile::Look::Sales] {
        let group: Vec<_> = waiting
            .iter()
            .filter(|r| reconcile::Look::for_trigger(r.trigger) == look)
            .collect();
        let Some(first) = group.first() else {
            continue;
        };
        let mut platforms: Vec<Platform> = group.iter().flat_map(|r| chosen(r.platform)).collect();
        platforms.sort();
        platforms.dedup();
        platforms.retain(|p| !runs.iter().any(|run| run.platforms.contains(p)));
        let mut named = look::Named::new();
        for request in &group {
            if let Some(platform) = request.platform.filter(|p| platforms.contains(p)) {
                let ids = named.entry(platform).or_default();
                for id in &request.named {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            }
        }
        named.retain(|_, ids| !ids.is_empty());
        if !platforms.is_empty() {
            runs.push(Run {
                run_id: first.run_id,
                trigger: first.trigger,
                platforms,
                named,
            });
        }
    }
    runs
}

/// Completes once `stop` says to stop (or its sender is gone).
pub(crate) async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Whether a stop has been asked for (or its sender is gone), for a loop
/// about to go round again without waiting.
pub(crate) fn stopping(stop: &tokio::sync::watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// Why the engine could not go on. Marketplace failures are not here: they
/// are outcomes, recorded in the log and in the run's report.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Database(#[from] ProjectionError),
    #[error("the event store failed: {0}")]
    Store(String),
    /// What the owner asked for cannot be done; the message says why.
    #[error("{0}")]
    Refused(String),
}

impl<E: std::error::Error> From<crate::ledger::LedgerError<E>> for SyncError {
    fn from(error: crate::ledger::LedgerError<E>) -> Self {
        Self::Store(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: u128, platform: Option<Platform>, trigger: Trigger) -> SyncRequest {
        SyncRequest {
            run_id: Uuid::from_u128(n),
            platform,
            trigger,
            named: Vec::new(),
        }
    }

    fn all(platform: Option<Platform>) -> Vec<Platform> {
        platform.map_or_else(|| Platform::ALL.to_vec(), |p| vec![p])
    }

    #[test]
    fn a_burst_of_webhooks_is_one_targeted_look_at_their_platforms() {
        let waiting = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, Some(Platform::Ebay), Trigger::Webhook),
            request(3, Some(Platform::Shopify), Trigger::Webhook),
        ];
        assert_eq!(
            batch(&waiting, all),
            vec![Run {
                run_id: Uuid::from_u128(1),
                trigger: Trigger::Webhook,
                platforms: vec![Platform::Ebay, Platform::Shopify],
                named: look::Named::new(),
            }]
        );
    }

    #[test]
    fn the_listings_a_burst_of_webhooks_names_are_looked_at_once_each() {
        let named = |n, ids: &[&str]| SyncRequest {
            named: ids.iter().map(|id| (*id).to_owned()).collect(),
            ..request(n, Some(Platform::Ebay), Trigger::Webhook)
        };
        let waiting = [
            named(1, &["110551"]),
            request(2, Some(Platform::Reverb), Trigger::Webhook),
            named(3, &["110552", "110551"]),
            request(4, Some(Platform::Ebay), Trigger::Schedule),
            named(5, &["110553"]),
        ];
        let runs = batch(&waiting[..3], all);
        assert_eq!(runs.len(), 1);
        assert_eq!(
            runs[0].named,
            look::Named::from([(Platform::Ebay, vec!["110551".into(), "110552".into()])])
        );
        // A scan of eBay waiting too reads all of eBay: nothing to name.
        let runs = batch(&waiting, all);
        assert_eq!(
            runs.iter()
                .map(|r| (r.trigger, r.named.clone()))
                .collect::<Vec<_>>(),
            [
                (Trigger::Schedule, look::Named::new()),
                (Trigger::Webhook, look::Named::new())
            ]
        );
    }

    #[test]
    fn a_scan_waiting_behind_a_webhook_is_still_a_scan_and_covers_its_sales() {
        let waiting = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, Some(Platform::Reverb), Trigger::Webhook),
            request(3, Some(Platform::Shopify), Trigger::Schedule),
        ];
        assert_eq!(
            batch(&waiting, all),
            vec![
                Run {
                    run_id: Uuid::from_u128(3),
                    trigger: Trigger::Schedule,
                    platforms: vec![Platform::Shopify],
                    named: look::Named::new(),
                },
                Run {
                    run_id: Uuid::from_u128(1),
                    trigger: Trigger::Webhook,
                    platforms: vec![Platform::Reverb],
                    named: look::Named::new(),
                },
            ]
        );
        let everything = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, None, Trigger::Schedule),
        ];
        assert_eq!(
            batch(&everything, all),
            vec![Run {
                run_id: Uuid::from_u128(2),
                trigger: Trigger::Schedule,
                platforms: Platform::ALL.to_vec(),
                named: look::Named::new(),
            }]
        );
    }
}
