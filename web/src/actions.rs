//! Commands that both the JSON API and the admin pages give, written once:
//! the two front doors must not disagree about what is allowed.

use cqrs_es::Aggregate;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, Listing, ListingCommand, ListingStatus, Product, ProductCommand};
use riff_projections::view::flags::{self, FlagRow};
use riff_projections::view::listing_index;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Asks for `sku` to be put on `platform`; the effects worker publishes it.
///
/// # Errors
/// `404` unknown product; `409` platform not configured, or a listing of
/// the product is already up there; the listing's own refusals.
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

/// Closes a flag with a note (who and when come from `meta`), and waits
/// until the flags view shows it.
///
/// # Errors
/// `404` unknown flag; `409` already resolved; the store failed.
pub async fn resolve_flag(
    state: &AppState,
    id: i64,
    note: String,
    meta: &EventMetadata,
) -> Result<FlagRow, ApiError> {
    let flag = flags::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no flag has id {id}")))?;
    let sequence = u64::try_from(flag.sequence).unwrap_or_default();
    if flag.aggregate_type == Product::TYPE {
        let sku = Sku::parse(&flag.aggregate_id)?;
        state
            .ledger
            .product(&sku, ProductCommand::ResolveFlag { sequence, note }, meta)
            .await?;
        state
            .caught_up_with(Product::TYPE, &flag.aggregate_id)
            .await?;
    } else {
        let listing = Uuid::parse_str(&flag.aggregate_id).map_err(|e| {
            ApiError::Internal(format!(
                "flag {id} names listing {}: {e}",
                flag.aggregate_id
            ))
        })?;
        state
            .ledger
            .listing(
                listing,
                ListingCommand::ResolveFlag { sequence, note },
                meta,
            )
            .await?;
        state
            .caught_up_with(Listing::TYPE, &flag.aggregate_id)
            .await?;
    }
    flags::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no flag has id {id}")))
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
