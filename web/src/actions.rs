//! Commands that both the JSON API and the admin pages give, written once:
//! the two front doors must not disagree about what is allowed.

use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingCommand, ListingStatus};
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
