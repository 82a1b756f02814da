//! Putting a product on a platform, ending, revising, linking and
//! importing its listings.

use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::policy::{revision, Edit, ShownNow};
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingCommand, ListingStatus, ProductStatus};
use riff_projections::view::listing_index;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Asks for `sku` to be put on `platform`; the effects worker publishes it.
///
/// # Errors
/// `404` unknown product; `409` platform not configured, or a listing of
/// the product is already up there; `422` the platform would refuse it
/// (`readiness`); the listing's own refusals.
pub async fn request_listing(
    state: &AppState,
    sku: &str,
    platform: Platform,
    attributes: PlatformAttributes,
    meta: &EventMetadata,
) -> Result<Uuid, ApiError> {
    if !state.engine.platforms.contains_key(&platform) {
        return Err(ApiError::Conflict(format!(
            "{} is not configured; set its credentials (README, Configuration) and restart Riff",
            platform.display_name()
        )));
    }
    let unknown = || ApiError::NotFound(format!("no product has SKU {sku}"));
    let sku = Sku::parse(sku).map_err(|_| unknown())?;
    let product = state.ledger.load_product(&sku).await?;
    if product.sku.is_none() {
        return Err(unknown());
    }
    if product.status == ProductStatus::Draft {
        let missing = match product.price {
            Some(price) if price.currency == state.currency => "to be activated".to_owned(),
            _ => format!(
                "a price in the shop's currency ({}) and to be activated",
                state.currency
            ),
        };
        return Err(ApiError::Conflict(format!(
            "{sku} is a draft and cannot be listed: it needs {missing} \
             (POST /api/products/{sku}/activate, or Activate on its page)"
        )));
    }
    // One listing per platform: a second would sell the item twice.
    if let Some(open) = listing_index::of_product(&state.db, sku.as_str())
        .await?
        .into_iter()
        .find(|l| {
            l.platform == platform
                && !matches!(
                    l.status,
                    ListingStatus::Ended | ListingStatus::Sold | ListingStatus::Failed
                )
        })
    {
        return Err(ApiError::Conflict(format!(
            "{sku} already has a {} listing on {} ({}); end it before listing it again",
            open.status.as_str(),
            platform.display_name(),
            open.listing_id
        )));
    }
    // What the platform would refuse is said now, and nothing is sent.
    let settings = state.ledger.load_settings().await?;
    let missing = crate::readiness::missing(
        &state.engine,
        &state.verdicts,
        &sku,
        &product,
        &settings,
        attributes.clone(),
    )
    .await?;
    if !missing.is_empty() {
        return Err(ApiError::NotReady {
            sku: sku.to_string(),
            platform: platform.display_name(),
            missing,
        });
    }
    let listing_id = Uuid::new_v4();
    let command = ListingCommand::Request {
        listing_id,
        sku,
        product_status: product.status,
        attributes,
    };
    state.ledger.listing(listing_id, command, meta).await?;
    state.projector.nudge();
    Ok(listing_id)
}

/// Asks for a listing to be ended; the effects worker ends it.
///
/// # Errors
/// `404` unknown listing; the store failed.
pub async fn end_listing(
    state: &AppState,
    listing_id: Uuid,
    reason: EndReason,
    meta: &EventMetadata,
) -> Result<ListingStatus, ApiError> {
    state
        .ledger
        .listing(listing_id, ListingCommand::RequestEnd { reason }, meta)
        .await?;
    state.projector.nudge();
    Ok(state.ledger.load_listing(listing_id).await?.status)
}

/// Asks a live listing to show its product as it is now, again: the
/// owner's Retry after the platform refused a revision. The effects worker
/// sends it.
///
/// # Errors
/// `404` unknown listing; `409` the listing is not live; the store failed.
pub async fn revise_listing(
    state: &AppState,
    listing_id: Uuid,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    let unknown = || ApiError::NotFound(format!("no listing has id {listing_id}"));
    let indexed = listing_index::get(&state.db, listing_id)
        .await?
        .ok_or_else(unknown)?;
    let sku = indexed.sku.as_ref().ok_or_else(|| {
        ApiError::Conflict("the listing is not linked to a product: link it first".into())
    })?;
    let listing = state.ledger.load_listing(listing_id).await?;
    let product = state.ledger.load_product(sku).await?;
    let rule = state
        .ledger
        .load_settings()
        .await?
        .price_rule(indexed.platform);
    let shown = ShownNow {
        price: indexed.published_price,
        quantity: indexed.published_quantity,
    };
    let command = revision(&product, &listing, shown, rule, Edit::Retry).ok_or_else(|| {
        ApiError::Conflict(format!(
            "the listing is {} and its product has no price to show: only a live listing of a priced product is revised",
            listing.status.as_str()
        ))
    })?;
    state.ledger.listing(listing_id, command, meta).await?;
    state.projector.nudge();
    Ok(())
}

/// Links a listing found on a platform to a product; its sales then count
/// on the product (the sale saga records them).
///
/// # Errors
/// `404` unknown product; `409` the listing is linked to another one.
pub async fn link_listing(
    state: &AppState,
    listing_id: Uuid,
    sku: &str,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    let unknown = || ApiError::NotFound(format!("no product has SKU {sku}"));
    let sku = Sku::parse(sku).map_err(|_| unknown())?;
    if state.ledger.load_product(&sku).await?.sku.is_none() {
        return Err(unknown());
    }
    state
        .ledger
        .listing(listing_id, ListingCommand::Link { sku }, meta)
        .await?;
    state.projector.nudge();
    Ok(())
}

/// Makes a new product of a listing found on a platform (the owner's
/// answer to "this looks like a duplicate": it is not), and links it.
///
/// # Errors
/// The listing is not one found on a platform, or is linked already.
pub async fn import_listing(
    state: &AppState,
    listing_id: Uuid,
    meta: &EventMetadata,
) -> Result<Sku, ApiError> {
    crate::sync::sagas::import_as_new(&state.engine, listing_id, meta)
        .await
        .map_err(|e| ApiError::Conflict(e.to_string()))
}
