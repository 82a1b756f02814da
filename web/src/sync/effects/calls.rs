//! The marketplace calls of the outbox: publish, revise, end. Each reads
//! what the listing is to show, calls the adapter, and says what to
//! append.

use chrono::Utc;
use riff_domain::listing::sent::{Changes, Sent};
use riff_domain::listing::{EndReason, EndedBy, PlatformAttributes};
use riff_domain::policy::publish_now;
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus};
use riff_domain::{ListingCommand, ProductStatus};
use riff_projections::view::listing_index::IndexedListing;

use crate::sync::request::{publish_request, ListingFacts};
use crate::sync::{Engine, SyncError};

/// What a call came to.
pub(super) enum Done {
    /// Append this outcome.
    Command(Box<ListingCommand>),
    /// Not now.
    Later,
}

pub(super) async fn publish(
    engine: &Engine,
    adapter: &dyn Marketplace,
    listing: &IndexedListing,
    attempts_so_far: u32,
) -> Result<Done, PortError> {
    let shown = match request_for(engine, listing).await {
        Ok(Some(shown)) => {
            if !publish_now(shown.status, attempts_so_far) {
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

pub(super) async fn revise(
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

pub(super) async fn end(
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
        .find(|remote| {
            remote.status == RemoteStatus::Live && remote.sku.as_deref() == Some(sku.as_str())
        })
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
    let Some(sku) = listing.sku.clone() else {
        return Ok(None);
    };
    let product = engine.ledger.load_product(&sku).await?;
    let state = engine.ledger.load_listing(listing.listing_id).await?;
    let settings = engine.ledger.load_settings().await?;
    let sent = state.sent;
    let facts = ListingFacts {
        listing_id: listing.listing_id,
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
