//! The edit saga: an edit of what a listing shows — the details, the
//! pictures, the price, the stock — brings the product's live listings to
//! it (a price or stock change only those that do not show it yet), each
//! at its own price (`listing::price`), as does a platform's new price
//! rule.

use std::collections::BTreeSet;

use riff_domain::policy::{revision, Edit, ShownNow};
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingStatus};
use riff_projections::view::listing_index;
use uuid::Uuid;

use super::{listing_command, Round};
use crate::sync::{Engine, SyncError};

/// An edit of the product: its listings are revised once a batch, or
/// again when this edit reaches further than the batch's first (a detail
/// after a price).
pub(super) async fn after_edit(
    engine: &Engine,
    sku: &str,
    edit: Edit,
    meta: &EventMetadata,
    round: &mut Round,
) -> Result<(), SyncError> {
    let everything = edit == Edit::Everything;
    match round.revised.get(sku) {
        Some(true) => return Ok(()),
        Some(false) if !everything => return Ok(()),
        _ => {}
    }
    round.revised.insert(sku.to_owned(), everything);
    revise_all(engine, sku, None, edit, meta).await
}

/// A platform's new price rule: its live listings that follow their
/// product's price move.
pub(super) async fn after_price_rule(
    engine: &Engine,
    platform: Platform,
    meta: &EventMetadata,
    round: &mut Round,
) -> Result<(), SyncError> {
    let skus: BTreeSet<String> = listing_index::on_platform(&engine.db, platform)
        .await?
        .into_iter()
        .filter(|l| l.status == ListingStatus::Live)
        .filter_map(|l| l.sku.map(String::from))
        .collect();
    for sku in skus {
        after_edit(engine, &sku, Edit::PriceAndStock, meta, round).await?;
    }
    Ok(())
}

/// Asks every live listing of the product (but `except`) to show the
/// product as it is now, each at its own price (`listing::price`).
pub(super) async fn revise_all(
    engine: &Engine,
    sku: &str,
    except: Option<Uuid>,
    edit: Edit,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let Ok(parsed) = Sku::parse(sku) else {
        return Ok(());
    };
    let live: Vec<_> = listing_index::of_product(&engine.db, sku)
        .await?
        .into_iter()
        .filter(|l| l.status == ListingStatus::Live && Some(l.listing_id) != except)
        .collect();
    // Most products are not listed anywhere yet: no need to load them.
    if live.is_empty() {
        return Ok(());
    }
    let product = engine.ledger.load_product(&parsed).await?;
    let settings = engine.ledger.load_settings().await?;
    for listing in live {
        let state = engine.ledger.load_listing(listing.listing_id).await?;
        let shown_now = ShownNow {
            price: listing.published_price,
            quantity: listing.published_quantity,
        };
        let rule = settings.price_rule(listing.platform);
        if let Some(command) = revision(&product, &state, shown_now, rule, edit) {
            listing_command(engine, listing.listing_id, command, meta).await?;
        }
    }
    Ok(())
}
