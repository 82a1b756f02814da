//! The sale saga: a sale seen on a listing is recorded on its product
//! (first sale wins, by the product's own rule); a product sold out ends
//! its other listings, one with units left brings them to the new
//! quantity.

use riff_domain::listing::EndReason;
use riff_domain::policy::{self, counted_at_import, AfterSale, Edit, Sale, SiblingListing};
use riff_domain::value::{SaleChannel, Sku};
use riff_domain::{EventMetadata, Listing, ProductCommand, ProductError};
use riff_projections::view::listing_index;
use uuid::Uuid;

use super::{edits, link, refusal_is_fine, request_end};
use crate::sync::{Engine, SyncError};

/// A `SoldOn`: the sale goes to the listing's product, if it has one.
pub(super) async fn after_sold_on(
    engine: &Engine,
    listing_id: Uuid,
    order_ref: &String,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let listing = engine.ledger.load_listing(listing_id).await?;
    match &listing.sku {
        Some(sku) => record_sales(engine, sku, &listing, Some(order_ref), meta).await,
        None => Ok(()),
    }
}

/// A listing linked to a product brings the sales it saw before.
pub(super) async fn after_link(
    engine: &Engine,
    listing_id: Uuid,
    sku: &Sku,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let listing = engine.ledger.load_listing(listing_id).await?;
    if product_exists(engine, sku).await? {
        record_sales(engine, sku, &listing, None, meta).await?;
    }
    Ok(())
}

pub(super) async fn product_exists(engine: &Engine, sku: &Sku) -> Result<bool, SyncError> {
    Ok(engine.ledger.load_product(sku).await?.sku.is_some())
}

/// Records the sales of `listing` (only the order `only`, when given) on
/// its product. A sale already recorded is a duplicate the product ignores;
/// one that the product's imported quantity already leaves out is recorded
/// without taking a unit again (`policy::counted_at_import`).
pub(super) async fn record_sales(
    engine: &Engine,
    sku: &Sku,
    listing: &Listing,
    only: Option<&String>,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let sales: Vec<&Sale> = listing
        .sales
        .iter()
        .filter(|s| only.is_none_or(|order| s.order_ref == *order))
        .collect();
    if sales.is_empty() {
        return Ok(());
    }
    let product = engine.ledger.load_product(sku).await?;
    let created_from_it = product
        .imported_from
        .as_ref()
        .is_some_and(|(platform, id)| {
            listing.platform == Some(*platform) && listing.external_id.as_ref() == Some(id)
        });
    for sale in sales {
        let command = ProductCommand::RecordSale {
            sale: sale.clone(),
            priority: engine.priority.clone(),
            counted: counted_at_import(created_from_it, listing.detected_at, sale),
        };
        // Linked to a product that is not there (yet): the import records
        // the sale once it has made the product.
        refusal_is_fine(
            engine.ledger.product(sku, command, meta).await,
            |refused| matches!(refused, ProductError::NotFound),
            || format!("{sku} refused the sale {}", sale.order_ref),
        )?;
    }
    Ok(())
}

/// After a sale took units: sold out → end every other listing; units left
/// → bring the other listings to the new quantity.
pub(super) async fn after_sale(
    engine: &Engine,
    sku: &str,
    sale: &Sale,
    remaining: u32,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    // A listing still held for the owner is never a reason to leave a
    // sold item up: one carrying this SKU is linked now, and ended below.
    if remaining == 0 {
        if let Ok(parsed) = Sku::parse(sku) {
            link::link_held(engine, Some(&parsed), meta).await?;
        }
    }
    let listings = listing_index::of_product(&engine.db, sku).await?;
    let sold_listing = listings
        .iter()
        .find(|l| {
            SaleChannel::Platform(l.platform) == sale.channel && l.orders.contains(&sale.order_ref)
        })
        .map(|l| l.listing_id);
    let siblings: Vec<SiblingListing> = listings
        .iter()
        .map(|l| SiblingListing {
            listing_id: l.listing_id,
            status: l.status,
        })
        .collect();
    match policy::after_sale(remaining, sold_listing, &siblings) {
        AfterSale::End(to_end) => {
            for listing_id in to_end {
                request_end(engine, listing_id, EndReason::SoldElsewhere, meta).await?;
            }
            Ok(())
        }
        AfterSale::Revise { except } => {
            edits::revise_all(engine, sku, except, Edit::PriceAndStock, meta).await
        }
    }
}
