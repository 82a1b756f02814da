//! The sale saga: a sale seen on a listing is recorded on its product
//! (first sale wins, by the product's own rule); a product sold out ends
//! its other listings, one with units left brings them to the new
//! quantity.

use riff_domain::listing::EndReason;
use riff_domain::policy::{self, counted_at_import, AfterSale, Edit, Sale, SiblingListing};
use riff_domain::value::{SaleChannel, Sku};
use riff_domain::{EventMetadata, Listing, Product, ProductCommand, ProductError};
use riff_projections::view::listing_index;
use uuid::Uuid;

use super::{edits, link, refusal_is_fine, request_end};
use crate::sync::{Engine, SyncError};

/// A `SoldOn` of a linked listing: the sale goes to the product the event
/// names. Whether that product's quantity already leaves the sale out
/// (`policy::counted_at_import`) is a question only for a product made
/// from a listing on the same platform; only then is the listing read, to
/// learn whether it was this one and when Riff found it.
pub(super) async fn after_sold_on(
    engine: &Engine,
    sku: &Sku,
    sale: Sale,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let product = engine.ledger.load_product(sku).await?;
    let counted = match (&product.imported_from, sale.listing) {
        (Some((platform, _)), Some(listing_id))
            if SaleChannel::Platform(*platform) == sale.channel =>
        {
            let listing = engine.ledger.load_listing(listing_id).await?;
            counted_at_import(made_from(&product, &listing), listing.detected_at, &sale)
        }
        _ => false,
    };
    record_sale(engine, sku, sale, counted, meta).await
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
        record_sales(engine, sku, &listing, meta).await?;
    }
    Ok(())
}

pub(super) async fn product_exists(engine: &Engine, sku: &Sku) -> Result<bool, SyncError> {
    Ok(engine.ledger.load_product(sku).await?.sku.is_some())
}

/// Records every sale `listing` saw on its product. A sale already
/// recorded is a duplicate the product ignores; one that the product's
/// imported quantity already leaves out is recorded without taking a unit
/// again (`policy::counted_at_import`).
pub(super) async fn record_sales(
    engine: &Engine,
    sku: &Sku,
    listing: &Listing,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    if listing.sales.is_empty() {
        return Ok(());
    }
    let product = engine.ledger.load_product(sku).await?;
    let made_from_it = made_from(&product, listing);
    for sale in &listing.sales {
        let counted = counted_at_import(made_from_it, listing.detected_at, sale);
        record_sale(engine, sku, sale.clone(), counted, meta).await?;
    }
    Ok(())
}

/// Whether `product` was made from `listing` by the import.
fn made_from(product: &Product, listing: &Listing) -> bool {
    product
        .imported_from
        .as_ref()
        .is_some_and(|(platform, id)| {
            listing.platform == Some(*platform) && listing.external_id.as_ref() == Some(id)
        })
}

async fn record_sale(
    engine: &Engine,
    sku: &Sku,
    sale: Sale,
    counted: bool,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let order_ref = sale.order_ref.clone();
    let command = ProductCommand::RecordSale {
        sale,
        priority: engine.priority.clone(),
        counted,
    };
    // Linked to a product that is not there (yet): the import records the
    // sale once it has made the product.
    refusal_is_fine(
        engine.ledger.product(sku, command, meta).await,
        |refused| matches!(refused, ProductError::NotFound),
        || format!("{sku} refused the sale {order_ref}"),
    )
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
    let siblings: Vec<SiblingListing> = listings
        .iter()
        .map(|l| SiblingListing {
            listing_id: l.listing_id,
            status: l.status,
        })
        .collect();
    match policy::after_sale(remaining, sale.listing, &siblings) {
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
