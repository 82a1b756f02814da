//! The effects worker: the outbox of marketplace calls.
//!
//! The work is derived from the log: the listing index lists every listing
//! that is pending (publish it), ending (end it) or live with an update
//! waiting (revise it). The worker calls the adapter and appends the
//! outcome, which takes the listing off the list. Nothing else is queued,
//! so nothing can be lost from a queue.
//!
//! Before each call the worker writes an attempt row (`attempts`); it is
//! removed once the outcome is in the log. After a crash, a row left behind
//! says a call may have reached the platform: a publish is then simply
//! repeated — every adapter's publish finds the listing it already made (by
//! eBay's UUID, by SKU, by Shopify's listing tag) instead of making a second
//! — and an end of a listing whose publish was never confirmed first looks
//! for it on the platform by SKU.
//!
//! [`calls`] makes the calls; this file finds the work and records what
//! came of it.

mod calls;
mod due;

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use riff_domain::listing::EndReason;
use riff_domain::policy::RetryDecision;
use riff_domain::port::PortError;
use riff_domain::value::Platform;
use riff_domain::{ListingCommand, Source};
use riff_projections::view::listing_index::{self, IndexedListing};
use serde::Serialize;
use tokio::sync::watch;
use uuid::Uuid;

use self::calls::{end, publish, revise, Done};
pub use self::due::next_due_in;
use self::due::{due_at, kind_of};
use super::attempts::{self, Attempt, Kind};
use super::{Engine, SyncError};
use crate::ledger::LedgerError;

/// Marketplace calls in flight at once.
const CONCURRENCY: usize = 8;

/// What the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EffectCounts {
    pub published: u32,
    pub revised: u32,
    pub ended: u32,
    /// Calls given up on (and flagged).
    pub failed: u32,
}

impl EffectCounts {
    pub fn total(&self) -> u32 {
        self.published + self.revised + self.ended + self.failed
    }

    pub fn add(&mut self, other: &Self) {
        self.published += other.published;
        self.revised += other.revised;
        self.ended += other.ended;
        self.failed += other.failed;
    }
}

/// Works the outbox until `stop`, one loop per platform: a slow platform
/// (V&R's pages take a second, and its one session takes them in turn)
/// does not hold up the calls to the others. Work for a platform that is
/// not configured (its credentials were removed) waits until it is again.
pub async fn run(engine: &Engine, stop: watch::Receiver<bool>) {
    // Whoever held the work before this process is gone: its calls are
    // over, so what it left is due now.
    if let Err(error) = attempts::release_all(&engine.db).await {
        tracing::error!(%error, "cannot read the effects worker's attempts");
    }
    let loops = engine
        .platforms
        .keys()
        .map(|platform| run_for(engine, *platform, stop.clone()));
    futures::future::join_all(loops).await;
}

async fn run_for(engine: &Engine, platform: Platform, mut stop: watch::Receiver<bool>) {
    loop {
        let pause = match run_due_on(engine, Some(platform)).await {
            Ok(counts) if counts.total() > 0 => {
                if super::stopping(&stop) {
                    return;
                }
                continue;
            }
            Ok(_) => Duration::from_millis(50),
            Err(error) => {
                tracing::error!(%error, "the effects worker failed; retrying in 5 s");
                Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = super::stopped(&mut stop) => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Carries out every piece of work that is due.
///
/// # Errors
/// The database failed.
pub async fn run_due(engine: &Engine) -> Result<EffectCounts, SyncError> {
    run_due_on(engine, None).await
}

/// Carries out the work that is due on `platform` (every platform's, for
/// `None`).
async fn run_due_on(
    engine: &Engine,
    platform: Option<Platform>,
) -> Result<EffectCounts, SyncError> {
    // The work is read from the listing index, which must first show every
    // outcome already in the log: a process killed after appending a
    // publish's outcome but before projecting it leaves the listing
    // looking pending, and publishing it again makes a second listing when
    // the first has sold meanwhile.
    engine.projector.run_until_idle().await?;
    let work = listing_index::awaiting_effects(&engine.db).await?;
    engine.metrics.outbox_depth(work.len());
    let known = attempts::all(&engine.db).await?;
    let now = Utc::now();
    let due: Vec<(IndexedListing, Kind, Option<Attempt>)> = work
        .into_iter()
        .filter(|listing| engine.platforms.contains_key(&listing.platform))
        .filter(|listing| platform.is_none_or(|p| p == listing.platform))
        .filter_map(|listing| {
            let kind = kind_of(&listing)?;
            let attempt = known.get(&(listing.listing_id.to_string(), kind)).cloned();
            (due_at(engine, &listing, kind, attempt.as_ref()) <= now)
                .then_some((listing, kind, attempt))
        })
        .collect();
    let outcomes: Vec<Result<EffectCounts, SyncError>> = futures::stream::iter(due)
        .map(|(listing, kind, attempt)| carry_out(engine, listing, kind, attempt, &known))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut counts = EffectCounts::default();
    for outcome in outcomes {
        counts.add(&outcome?);
    }
    if counts.total() > 0 {
        engine.projector.nudge();
        engine.projector.run_until_idle().await?;
    }
    Ok(counts)
}

/// One call and its outcome.
async fn carry_out(
    engine: &Engine,
    listing: IndexedListing,
    kind: Kind,
    attempt: Option<Attempt>,
    known: &HashMap<(String, Kind), Attempt>,
) -> Result<EffectCounts, SyncError> {
    let listing_id = listing.listing_id;
    let key = listing_id.to_string();
    let meta = Engine::meta(Source::Reconcile, Uuid::new_v4(), None);
    let attempts_so_far = attempt.as_ref().map_or(0, |a| a.attempts);
    let Some(adapter) = engine.platforms.get(&listing.platform).cloned() else {
        return Ok(EffectCounts::default());
    };
    attempts::begin(&engine.db, &key, kind, attempts_so_far + 1).await?;
    let outcome = match kind {
        Kind::Publish => publish(engine, adapter.as_ref(), &listing, attempts_so_far).await,
        Kind::Revise => revise(engine, adapter.as_ref(), &listing, attempts_so_far).await,
        Kind::End => {
            let publish_uncertain = known.contains_key(&(key.clone(), Kind::Publish));
            end(adapter.as_ref(), &listing, publish_uncertain).await
        }
    };
    engine.metrics.requests(listing.platform, 1);
    match outcome {
        Ok(Done::Command(command)) => {
            append(engine, listing_id, *command, &meta).await?;
            attempts::finish(&engine.db, &key).await?;
            Ok(done(engine, &listing, kind))
        }
        // Nothing to do now (the product sold meanwhile; the sagas will end
        // the listing): try again shortly.
        Ok(Done::Later) => {
            let soon = Utc::now() + chrono::Duration::seconds(1);
            attempts::retry_at(&engine.db, &key, kind, soon, None).await?;
            Ok(EffectCounts::default())
        }
        Err(error) => failed(engine, &listing, kind, &error, attempts_so_far + 1, &meta).await,
    }
}

/// Counts a call made, and for an end after a sale elsewhere, measures how
/// long the sale took to end this listing.
fn done(engine: &Engine, listing: &IndexedListing, kind: Kind) -> EffectCounts {
    let mut counts = EffectCounts::default();
    match kind {
        Kind::Publish => counts.published = 1,
        Kind::Revise => counts.revised = 1,
        Kind::End => {
            counts.ended = 1;
            let since = listing.end_requested_at;
            if let (Some(EndReason::SoldElsewhere), Some(since)) = (listing.end_reason, since) {
                let latency = Utc::now() - since;
                engine
                    .metrics
                    .sale_to_ended(latency.to_std().unwrap_or_default());
            }
        }
    }
    counts
}

/// A call that failed: tried again later, or given up on.
async fn failed(
    engine: &Engine,
    listing: &IndexedListing,
    kind: Kind,
    error: &PortError,
    attempts: u32,
    meta: &riff_domain::EventMetadata,
) -> Result<EffectCounts, SyncError> {
    match engine.retry.decide(error, attempts, rand::random::<f64>()) {
        RetryDecision::RetryAfter(wait) => {
            engine.metrics.retry(listing.platform);
            let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            let message = error.to_string();
            attempts::retry_at(
                &engine.db,
                &listing.listing_id.to_string(),
                kind,
                at,
                Some(&message),
            )
            .await?;
            Ok(EffectCounts::default())
        }
        RetryDecision::GiveUp => {
            give_up(engine, listing, kind, error.to_string(), attempts, meta).await
        }
    }
}

/// Records that the call was given up on; the event raises a flag.
async fn give_up(
    engine: &Engine,
    listing: &IndexedListing,
    kind: Kind,
    message: String,
    attempts: u32,
    meta: &riff_domain::EventMetadata,
) -> Result<EffectCounts, SyncError> {
    let command = match kind {
        Kind::Publish => ListingCommand::FailPublish { message, attempts },
        Kind::Revise => ListingCommand::FailRevise { message, attempts },
        Kind::End => ListingCommand::FailEnd { message, attempts },
    };
    append(engine, listing.listing_id, command, meta).await?;
    attempts::finish(&engine.db, &listing.listing_id.to_string()).await?;
    Ok(EffectCounts {
        failed: 1,
        ..EffectCounts::default()
    })
}

async fn append(
    engine: &Engine,
    listing_id: Uuid,
    command: ListingCommand,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    match engine.ledger.listing(listing_id, command, meta).await {
        Ok(()) => Ok(()),
        // The listing moved on while the call was made (e.g. ended by a
        // reconcile); the outcome no longer applies.
        Err(LedgerError::Rejected(refused)) => {
            tracing::info!(%listing_id, %refused, "an effect's outcome no longer applies");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}
