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

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use riff_domain::listing::sent::{Changes, Sent};
use riff_domain::listing::{EndReason, EndedBy, PlatformAttributes};
use riff_domain::policy::{revision_due, RetryDecision};
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus};
use riff_domain::value::{Platform, Sku};
use riff_domain::{ListingCommand, ListingStatus, ProductStatus, Source};
use riff_projections::view::listing_index::{self, IndexedListing};
use serde::Serialize;
use tokio::sync::watch;
use uuid::Uuid;

use super::attempts::{self, Attempt, Kind};
use super::request::{publish_request, ListingFacts};
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
            let attempt = known.get(&(listing.listing_id.clone(), kind)).cloned();
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

/// How long until the next piece of work is due; `None` when there is none.
///
/// # Errors
/// The database failed.
pub async fn next_due_in(engine: &Engine) -> Result<Option<Duration>, SyncError> {
    let work = listing_index::awaiting_effects(&engine.db).await?;
    let known = attempts::all(&engine.db).await?;
    let now = Utc::now();
    Ok(work
        .iter()
        .filter(|listing| engine.platforms.contains_key(&listing.platform))
        .filter_map(|listing| {
            let kind = kind_of(listing)?;
            let attempt = known.get(&(listing.listing_id.clone(), kind));
            Some(
                (due_at(engine, listing, kind, attempt) - now)
                    .to_std()
                    .unwrap_or_default(),
            )
        })
        .min())
}

/// When the work on `listing` is due: a retry when its attempt says; a
/// revision once the edits have gathered (`revision_due`); anything else
/// now.
fn due_at(
    engine: &Engine,
    listing: &IndexedListing,
    kind: Kind,
    attempt: Option<&Attempt>,
) -> DateTime<Utc> {
    if let Some(attempt) = attempt {
        return attempt.next_attempt_at;
    }
    // The listing's last event is its last revise request.
    let requested_at = DateTime::parse_from_rfc3339(&listing.updated_at)
        .map(|t| t.with_timezone(&Utc))
        .ok();
    match (kind, requested_at) {
        (Kind::Revise, Some(at)) => revision_due(
            at,
            engine.revise_delay,
            listing.published_quantity,
            listing.revise_quantity,
        ),
        _ => DateTime::UNIX_EPOCH,
    }
}

fn kind_of(listing: &IndexedListing) -> Option<Kind> {
    match listing.status {
        ListingStatus::Pending => Some(Kind::Publish),
        ListingStatus::Ending => Some(Kind::End),
        ListingStatus::Live if listing.revise_pending => Some(Kind::Revise),
        _ => None,
    }
}

/// One call and its outcome.
async fn carry_out(
    engine: &Engine,
    listing: IndexedListing,
    kind: Kind,
    attempt: Option<Attempt>,
    known: &HashMap<(String, Kind), Attempt>,
) -> Result<EffectCounts, SyncError> {
    let listing_id = listing.id();
    let meta = Engine::meta(Source::Reconcile, Uuid::new_v4(), None);
    let attempts_so_far = attempt.as_ref().map_or(0, |a| a.attempts);
    let Some(adapter) = engine.platforms.get(&listing.platform).cloned() else {
        return Ok(EffectCounts::default());
    };
    attempts::begin(&engine.db, &listing.listing_id, kind, attempts_so_far + 1).await?;
    let outcome = match kind {
        Kind::Publish => publish(engine, adapter.as_ref(), &listing, attempts_so_far).await,
        Kind::Revise => revise(engine, adapter.as_ref(), &listing, attempts_so_far).await,
        Kind::End => {
            let publish_uncertain =
                known.contains_key(&(listing.listing_id.clone(), Kind::Publish));
            end(adapter.as_ref(), &listing, publish_uncertain).await
        }
    };
    engine.metrics.requests(listing.platform, 1);
    match outcome {
        Ok(Done::Command(command)) => {
            append(engine, listing_id, *command, &meta).await?;
            attempts::finish(&engine.db, &listing.listing_id).await?;
            let mut counts = EffectCounts::default();
            match kind {
                Kind::Publish => counts.published = 1,
                Kind::Revise => counts.revised = 1,
                Kind::End => {
                    counts.ended = 1;
                    if listing.end_reason == Some(EndReason::SoldElsewhere) {
                        if let Some(since) = listing
                            .end_requested_at
                            .as_deref()
                            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        {
                            let latency = Utc::now() - since.with_timezone(&Utc);
                            engine
                                .metrics
                                .sale_to_ended(latency.to_std().unwrap_or_default());
                        }
                    }
                }
            }
            Ok(counts)
        }
        // Nothing to do now (the product sold meanwhile; the sagas will end
        // the listing): try again shortly.
        Ok(Done::Later) => {
            attempts::retry_at(
                &engine.db,
                &listing.listing_id,
                kind,
                Utc::now() + chrono::Duration::seconds(1),
                None,
            )
            .await?;
            Ok(EffectCounts::default())
        }
        Err(error) => {
            let attempts = attempts_so_far + 1;
            match engine.retry.decide(&error, attempts, rand::random::<f64>()) {
                RetryDecision::RetryAfter(wait) => {
                    engine.metrics.retry(listing.platform);
                    let at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    attempts::retry_at(
                        &engine.db,
                        &listing.listing_id,
                        kind,
                        at,
                        Some(&error.to_string()),
                    )
                    .await?;
                    Ok(EffectCounts::default())
                }
                RetryDecision::GiveUp => {
                    give_up(engine, &listing, kind, error.to_string(), attempts, &meta).await
                }
            }
        }
    }
}

/// What a call came to.
enum Done {
    /// Append this outcome.
    Command(Box<ListingCommand>),
    /// Not now.
    Later,
}

async fn publish(
    engine: &Engine,
    adapter: &dyn Marketplace,
    listing: &IndexedListing,
    attempts_so_far: u32,
) -> Result<Done, PortError> {
    let shown = match request_for(engine, listing).await {
        Ok(Some(shown)) => {
            // A product no longer for sale is not published, unless an
            // earlier attempt may already have put it up: then publishing
            // again only finds that listing, which the sagas then end.
            if !shown.status.can_be_listed() && attempts_so_far == 0 {
                return Ok(Done::Later);
            }
            shown
        }
        Ok(None) => return Ok(Done::Later),
        Err(error) => return Err(PortError::Transient(error.to_string())),
    };
    let published = adapter.publish(&shown.request).await?;
    Ok(Done::Command(Box::new(ListingCommand::ConfirmListed {
        external_id: published.external_id,
        url: published.url,
        listed_at: Utc::now(),
        price: shown.request.price,
        quantity: shown.request.quantity,
        shown_version: shown.version,
        sent: Sent::of(&shown.request),
    })))
}

async fn revise(
    engine: &Engine,
    adapter: &dyn Marketplace,
    listing: &IndexedListing,
    attempts_so_far: u32,
) -> Result<Done, PortError> {
    let Some(external_id) = &listing.external_id else {
        return Ok(Done::Later);
    };
    let shown = match request_for(engine, listing).await {
        Ok(Some(shown)) => shown,
        Ok(None) => return Ok(Done::Later),
        Err(error) => return Err(PortError::Transient(error.to_string())),
    };
    let sent = Sent::of(&shown.request);
    let changes = Changes::between(shown.sent.as_ref(), &sent);
    let confirmed = Done::Command(Box::new(ListingCommand::ConfirmRevised {
        price: Some(shown.request.price),
        quantity: Some(shown.request.quantity),
        shown_version: shown.version,
        sent,
    }));
    // Nothing the platform shows has changed (an edit undone, a field no
    // platform shows): no call, and the listing shows this version.
    if changes.is_empty() {
        return Ok(confirmed);
    }
    // An earlier attempt may have reached the platform, its answer lost
    // (a timeout, or Riff killed before recording it): what the platform
    // shows is read first, and a revision it already has is not made
    // twice.
    if attempts_so_far > 0 {
        if let Ok(remote) = adapter.get(external_id).await {
            if changes.shown_by(&remote, &shown.request) {
                return Ok(confirmed);
            }
        }
    }
    match adapter.revise(external_id, &shown.request, &changes).await {
        Ok(()) => Ok(confirmed),
        // Gone from the platform: nothing to update. A sale there, if that
        // is why, is picked up by the next reconcile.
        Err(PortError::AlreadyEnded | PortError::NotFound) => {
            Ok(Done::Command(Box::new(ListingCommand::ConfirmEnded {
                ended_at: Utc::now(),
                by: EndedBy::Platform,
            })))
        }
        Err(error) => Err(error),
    }
}

async fn end(
    adapter: &dyn Marketplace,
    listing: &IndexedListing,
    publish_uncertain: bool,
) -> Result<Done, PortError> {
    let reason = listing.end_reason.unwrap_or(EndReason::Manual);
    let external_id = match &listing.external_id {
        Some(id) => Some(id.clone()),
        // Never confirmed as published. If a publish was under way, it may
        // have reached the platform: look for it there by SKU.
        None if publish_uncertain => find_unconfirmed(adapter, listing).await?,
        None => None,
    };
    let Some(external_id) = external_id else {
        return Ok(Done::Command(Box::new(ListingCommand::ConfirmEnded {
            ended_at: Utc::now(),
            by: EndedBy::Riff,
        })));
    };
    match adapter.end(&external_id, reason).await {
        Ok(()) => Ok(Done::Command(Box::new(ListingCommand::ConfirmEnded {
            ended_at: Utc::now(),
            by: EndedBy::Riff,
        }))),
        // Ending is idempotent: already ended (or gone) is ended.
        Err(PortError::AlreadyEnded | PortError::NotFound) => {
            Ok(Done::Command(Box::new(ListingCommand::ConfirmEnded {
                ended_at: Utc::now(),
                by: EndedBy::Platform,
            })))
        }
        Err(error) => Err(error),
    }
}

/// The live listing on the platform with this listing's SKU, if any.
async fn find_unconfirmed(
    adapter: &dyn Marketplace,
    listing: &IndexedListing,
) -> Result<Option<String>, PortError> {
    let Some(sku) = &listing.sku else {
        return Ok(None);
    };
    let scan = adapter.scan(Utc::now()).await?;
    Ok(scan
        .listings
        .into_iter()
        .find(|remote| remote.status == RemoteStatus::Live && remote.sku.as_deref() == Some(sku))
        .map(|remote| remote.external_id))
}

/// What a listing is sent: the product as it stands at one version.
struct ToShow {
    request: PublishRequest,
    status: ProductStatus,
    /// The product's version the request was made from, which the listing
    /// records it shows once the platform has it.
    version: u64,
    /// What the listing was last sent, when Riff knows.
    sent: Option<Sent>,
}

/// The request that puts the listing's product on its platform; `None`
/// when the product or listing cannot be read.
async fn request_for(
    engine: &Engine,
    listing: &IndexedListing,
) -> Result<Option<ToShow>, SyncError> {
    let Some(sku) = listing.sku.as_deref().and_then(|s| Sku::parse(s).ok()) else {
        return Ok(None);
    };
    let product = engine.ledger.load_product(&sku).await?;
    let state = engine.ledger.load_listing(listing.id()).await?;
    let settings = engine.ledger.load_settings().await?;
    let sent = state.sent;
    let facts = ListingFacts {
        listing_id: listing.id(),
        attributes: state
            .attributes
            .unwrap_or_else(|| PlatformAttributes::empty(listing.platform)),
        shown: listing.published_price,
    };
    Ok(
        publish_request(sku, &product, &settings, facts, &engine.public_url).map(|request| {
            ToShow {
                request,
                status: product.status,
                version: product.version,
                sent,
            }
        }),
    )
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
    append(engine, listing.id(), command, meta).await?;
    attempts::finish(&engine.db, &listing.listing_id).await?;
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
