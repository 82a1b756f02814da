//! One reconcile run: scan each platform, diff the scan against the listing
//! index (`policy::diff`, pure), and append what changed.
//!
//! A run a webhook asked for looks instead of scanning: it reads the
//! platform's recent sales and looks up only the listings those sales name
//! ([`Look::Sales`]), so that a sale is recorded, and the product's other
//! listings ended, in seconds whatever the size of the shop. Only a full
//! scan can show a listing gone; the schedule runs those.
//!
//! Scans run side by side; a platform whose scan fails is reported with
//! what to fix and the others go on. Changes are appended platform by
//! platform in priority order, so that when one item is first seen on
//! several platforms in one run, the highest-priority platform's listing is
//! detected first and the import saga builds the product from its details.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration as Days, Utc};
use riff_domain::policy::{self, diff, Believed, KnownListing};
use riff_domain::port::{PortError, Scan};
use riff_domain::sync_run::{PlatformReport, Trigger};
use riff_domain::value::Platform;
use riff_domain::{ListingError, ListingStatus, Source, SyncRunCommand};
use riff_projections::view::{listing_index, sync_runs};
use serde::Serialize;
use uuid::Uuid;

use super::look::{self, Look, Named};
use super::{Engine, SyncError};
use crate::ledger::LedgerError;

/// How far back a platform's first scan reads sales.
const FIRST_SALES_WINDOW_DAYS: i64 = 30;
/// Later scans read sales from the last successful one, with this margin
/// for sales the platform reports late.
const SALES_OVERLAP_DAYS: i64 = 2;

/// What a run found, per platform.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    pub run_id: Uuid,
    pub platforms: BTreeMap<Platform, PlatformReport>,
}

impl RunSummary {
    /// Every platform synced.
    pub fn succeeded(&self) -> bool {
        self.platforms.values().all(PlatformReport::succeeded)
    }
}

/// Reconciles `platforms` as run `run_id`. A platform that is not
/// configured is reported as such.
///
/// # Errors
/// The database failed; marketplace failures are in the summary instead.
pub async fn run(
    engine: &Engine,
    run_id: Uuid,
    trigger: Trigger,
    platforms: &[Platform],
) -> Result<RunSummary, SyncError> {
    run_naming(engine, run_id, trigger, platforms, &Named::new()).await
}

/// [`run`], reading the listings in `named` early when the run is a
/// targeted look.
///
/// # Errors
/// As [`run`].
pub(crate) async fn run_naming(
    engine: &Engine,
    run_id: Uuid,
    trigger: Trigger,
    platforms: &[Platform],
    named: &Named,
) -> Result<RunSummary, SyncError> {
    let look = Look::for_trigger(trigger);
    let _one_at_a_time = match look {
        Look::Everything => engine.scanning.lock().await,
        Look::Sales => engine.looking.lock().await,
    };
    let meta = Engine::meta(Source::Reconcile, run_id, None);
    let mut order: Vec<Platform> = engine
        .priority
        .platforms()
        .iter()
        .copied()
        .filter(|p| platforms.contains(p))
        .collect();
    order.dedup();
    let start = SyncRunCommand::Start {
        trigger,
        platforms: order.clone(),
        started_at: Utc::now(),
    };
    engine.ledger.sync_run(run_id, start, &meta).await?;
    let before = Before::read(engine, &order, look).await?;
    let scans = read(engine, &order, look, &before, named).await;
    let mut summary = RunSummary {
        run_id,
        platforms: BTreeMap::new(),
    };
    for (platform, scan) in scans {
        let report = match scan {
            Ok(scan) => {
                engine.metrics.requests(platform, scan.requests);
                record(engine, platform, &scan, &before.up, &meta).await?
            }
            Err(error) => PlatformReport {
                errors: vec![error],
                ..PlatformReport::default()
            },
        };
        let recorded = SyncRunCommand::Record {
            platform,
            report: report.clone(),
            synced_at: Utc::now(),
        };
        engine.ledger.sync_run(run_id, recorded, &meta).await?;
        summary.platforms.insert(platform, report);
    }
    // A listing held because its SKU's product did not exist when it was
    // found is looked at again on every full run, and linked once it does.
    if look == Look::Everything {
        super::sagas::link_held(engine, None, &meta).await?;
    }
    let finish = SyncRunCommand::Finish {
        finished_at: Utc::now(),
    };
    engine.ledger.sync_run(run_id, finish, &meta).await?;
    engine.projector.nudge();
    Ok(summary)
}

/// What Riff believed of the platforms before they were read.
struct Before {
    /// Listings up on their platform. Only these can be found gone: a
    /// listing published while its platform's scan ran is missing from
    /// that scan, yet live.
    up: HashSet<Uuid>,
    /// For a targeted look: the listings it reads sales against.
    known: BTreeMap<Platform, Vec<KnownListing>>,
    /// When each platform last synced in full, for the sales window.
    last_success: BTreeMap<String, Option<String>>,
}

impl Before {
    async fn read(engine: &Engine, order: &[Platform], look: Look) -> Result<Self, SyncError> {
        let last_success = sync_runs::platforms(&engine.db)
            .await?
            .into_iter()
            .map(|p| (p.platform, p.last_success_at))
            .collect();
        engine.projector.run_until_idle().await?;
        let mut up = HashSet::new();
        let mut known = BTreeMap::new();
        for platform in order {
            let listings = listing_index::on_platform(&engine.db, *platform).await?;
            up.extend(
                listings
                    .iter()
                    .filter(|l| {
                        l.external_id.is_some()
                            && matches!(l.status, ListingStatus::Live | ListingStatus::Ending)
                    })
                    .map(|l| l.listing_id),
            );
            if look == Look::Sales {
                let listings = listings.iter().map(listing_index::IndexedListing::known);
                known.insert(*platform, listings.collect());
            }
        }
        Ok(Self {
            up,
            known,
            last_success,
        })
    }
}

/// Reads the platforms side by side: a scan, or a targeted look. A
/// platform that could not be read is an error in words that say what to
/// fix.
async fn read(
    engine: &Engine,
    order: &[Platform],
    look: Look,
    before: &Before,
    named: &Named,
) -> Vec<(Platform, Result<Scan, String>)> {
    futures::future::join_all(order.iter().map(|platform| {
        let last_success = before.last_success.get(platform.as_str()).cloned();
        let since = sales_since(last_success.flatten());
        let known = before.known.get(platform).map_or(&[][..], Vec::as_slice);
        let named = named.get(platform).map_or(&[][..], Vec::as_slice);
        async move {
            let result = match engine.platforms.get(platform) {
                Some(adapter) => match look {
                    Look::Everything => adapter.scan(since).await,
                    Look::Sales => {
                        look::sales_and_listings(adapter.as_ref(), since, known, named).await
                    }
                }
                .map_err(|e| describe(*platform, &e)),
                None => Err(format!(
                    "{} is not configured; set its credentials (see README, Configuration)",
                    platform.display_name()
                )),
            };
            (*platform, result)
        }
    }))
    .await
}

/// Diffs one platform's scan and appends what is news
/// ([`policy::command_for`]): a listing's status in the scan counts only
/// if the listing was in `up_before`.
async fn record(
    engine: &Engine,
    platform: Platform,
    scan: &Scan,
    up_before: &HashSet<Uuid>,
    meta: &riff_domain::EventMetadata,
) -> Result<PlatformReport, SyncError> {
    // The index must include everything appended so far (an earlier
    // platform of this run may have detected a listing).
    engine.projector.run_until_idle().await?;
    let indexed = listing_index::on_platform(&engine.db, platform).await?;
    let known: Vec<_> = indexed
        .iter()
        .map(listing_index::IndexedListing::known)
        .collect();
    let believed = Believed {
        up: up_before.clone(),
        foreign: indexed
            .iter()
            .filter(|l| {
                l.published_price
                    .is_some_and(|p| p.currency != engine.currency)
            })
            .map(|l| l.listing_id)
            .collect(),
    };
    let now = Utc::now();
    let mut report = PlatformReport {
        requests: scan.requests,
        listings: u32::try_from(scan.listings.len()).unwrap_or(u32::MAX),
        ..PlatformReport::default()
    };
    for change in diff(scan, &known, platform, now) {
        let Some((listing_id, command)) =
            policy::command_for(change, &scan.sales, &believed, platform, now)
        else {
            continue;
        };
        policy::tally(&mut report, &command);
        match engine.ledger.listing(listing_id, command, meta).await {
            // Another run detected it first: nothing is imported twice.
            Ok(()) | Err(LedgerError::Rejected(ListingError::AlreadyExists)) => {}
            Err(LedgerError::Rejected(refused)) => report
                .errors
                .push(format!("listing {listing_id} refused a change: {refused}")),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(report)
}

fn sales_since(last_success: Option<String>) -> DateTime<Utc> {
    match last_success.and_then(|at| DateTime::parse_from_rfc3339(&at).ok()) {
        Some(at) => at.with_timezone(&Utc) - Days::days(SALES_OVERLAP_DAYS),
        None => Utc::now() - Days::days(FIRST_SALES_WINDOW_DAYS),
    }
}

/// A scan failure in words that say what to fix.
fn describe(platform: Platform, error: &PortError) -> String {
    let name = platform.display_name();
    match error {
        PortError::Auth(what) => format!("{name} refused Riff's credentials: {what}"),
        other => format!("{name}: {other}"),
    }
}
