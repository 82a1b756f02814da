//! Linking a found listing to its product, and the listings held because
//! their product did not exist yet when they were found.

use riff_domain::listing::ExternalSnapshot;
use riff_domain::policy::completes_draft;
use riff_domain::value::Sku;
use riff_domain::{EventMetadata, ListingCommand, ListingError, ProductCommand, ProductStatus};
use riff_projections::view::listing_index;
use uuid::Uuid;

use super::import::first_snapshot;
use super::listing_command;
use super::refusal_is_fine;
use crate::sync::{Engine, SyncError};

/// Links every listing left unlinked whose platform SKU is now a
/// product's (or only those with `only`'s SKU): a listing held because
/// its product did not exist yet when it was found is linked as soon as it
/// does, whichever platform made the product. Returns how many it linked.
///
/// # Errors
/// The store failed.
pub async fn link_held(
    engine: &Engine,
    only: Option<&Sku>,
    meta: &EventMetadata,
) -> Result<usize, SyncError> {
    engine.projector.run_until_idle().await?;
    let mut linked = 0;
    for row in listing_index::unlinked(&engine.db).await? {
        let listing_id = row.listing_id;
        let Some(snapshot) = first_snapshot(engine, listing_id).await? else {
            continue;
        };
        let Some(Ok(sku)) = snapshot.sku.as_deref().map(Sku::parse) else {
            continue;
        };
        if only.is_some_and(|wanted| *wanted != sku) {
            continue;
        }
        let product = engine.ledger.load_product(&sku).await?;
        if product.sku.is_none() {
            continue;
        }
        link(engine, listing_id, &sku, meta).await?;
        note_currency(engine, listing_id, &snapshot, meta).await?;
        complete_draft(engine, &sku, &product, &snapshot, meta).await?;
        linked += 1;
    }
    if linked > 0 {
        engine.projector.run_until_idle().await?;
    }
    Ok(linked)
}

/// Links the listing to `sku`; linked already is fine.
pub(super) async fn link(
    engine: &Engine,
    listing_id: Uuid,
    sku: &Sku,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let command = ListingCommand::Link { sku: sku.clone() };
    refusal_is_fine(
        engine.ledger.listing(listing_id, command, meta).await,
        |refused| matches!(refused, ListingError::AlreadyLinked { .. }),
        || format!("the found listing {listing_id} could not be linked"),
    )
}

/// Flags, once, a linked listing priced in another currency than the
/// shop's: it keeps its own price.
pub(super) async fn note_currency(
    engine: &Engine,
    listing_id: Uuid,
    snapshot: &ExternalSnapshot,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let Some(price) = snapshot.price else {
        return Ok(());
    };
    let command = ListingCommand::NoteCurrency {
        listing: price.currency,
        shop: engine.currency,
    };
    listing_command(engine, listing_id, command, meta).await
}

/// A draft imported in another currency becomes a product for sale once
/// a listing in the shop's currency is linked to it (`policy::completes_draft`).
pub(super) async fn complete_draft(
    engine: &Engine,
    sku: &Sku,
    product: &riff_domain::Product,
    snapshot: &ExternalSnapshot,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let draft = product.status == ProductStatus::Draft;
    let Some(price) = completes_draft(draft, product.price, snapshot.price, engine.currency) else {
        return Ok(());
    };
    let command = ProductCommand::Activate { price: Some(price) };
    refusal_is_fine(
        engine.ledger.product(sku, command, meta).await,
        |_| false,
        || format!("the draft {sku} could not be completed"),
    )
}
