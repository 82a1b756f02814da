//! Whether each platform would take a listing of a product as it stands:
//! the pure rules (`riff_domain::listing::readiness`) given the product, the
//! shop's category map and terms, and — for a platform that keeps its own
//! list of brands — the platform's answer. The API's readiness, the product
//! page, and every publish (which sends nothing to a platform that is not
//! ready) ask here, so the three cannot disagree.

use std::collections::BTreeMap;
use std::time::Duration;

use riff_domain::listing::category_map::CategoryMap;
use riff_domain::listing::readiness::{self, Candidate};
use riff_domain::listing::{defaults, PlatformAttributes};
use riff_domain::value::{MediaKind, Platform, Sku};
use riff_domain::Product;

use crate::error::ApiError;
use crate::state::AppState;

/// How long readiness waits for a platform to say whether it knows a
/// brand (V&R's check has 3 s of its own; a busy session may add to it).
const BRAND_CHECK_PATIENCE: Duration = Duration::from_secs(5);

/// What each configured platform would still refuse a listing of `sku`
/// without, in the owner's words; empty when ready.
///
/// # Errors
/// `404` unknown product; the store failed.
pub async fn of_product(
    state: &AppState,
    sku: &Sku,
) -> Result<BTreeMap<Platform, Vec<String>>, ApiError> {
    let product = state.ledger.load_product(sku).await?;
    let map = state.ledger.load_settings().await?.category_map();
    let mut ready = BTreeMap::new();
    for platform in state.engine.platforms.keys() {
        let missing = missing(
            state,
            sku,
            &product,
            &map,
            PlatformAttributes::empty(*platform),
        )
        .await?;
        ready.insert(*platform, missing);
    }
    Ok(ready)
}

/// What `attributes`' platform would still refuse a listing of `product`
/// (whose SKU is `sku`) without; empty when it is ready.
///
/// # Errors
/// `404` the product does not exist.
pub async fn missing(
    state: &AppState,
    sku: &Sku,
    product: &Product,
    map: &CategoryMap,
    attributes: PlatformAttributes,
) -> Result<Vec<String>, ApiError> {
    let Some(details) = &product.details else {
        return Err(ApiError::NotFound(format!("no product has SKU {sku}")));
    };
    let platform = attributes.platform();
    let count = |stored_only: bool| {
        product
            .media
            .iter()
            .filter(|m| match m.kind {
                MediaKind::StoredImage { .. } => true,
                MediaKind::ImageUrl { .. } => !stored_only,
                _ => false,
            })
            .count()
    };
    let attributes = defaults::complete(attributes, details, map);
    let candidate = Candidate {
        details,
        quantity: product.quantity,
        pictures: count(false),
        uploaded_pictures: count(true),
        attributes: &attributes,
    };
    let mut missing = readiness::missing(&candidate, &state.engine.terms);
    if let Some(unknown) = unknown_brand(state, platform, details.brand.as_str()).await {
        missing.push(unknown);
    }
    Ok(missing)
}

/// The readiness item for a brand the platform says it does not know.
/// Not hearing back in time is not a refusal: the owner is not kept
/// waiting, and the publish will say.
async fn unknown_brand(state: &AppState, platform: Platform, brand: &str) -> Option<String> {
    let marketplace = state.engine.platforms.get(&platform)?;
    if brand.trim().is_empty() {
        return None;
    }
    match tokio::time::timeout(BRAND_CHECK_PATIENCE, marketplace.knows_brand(brand)).await {
        Ok(Ok(Some(false))) => {
            let name = platform.display_name();
            Some(format!(
                "a brand {name} knows: \"{brand}\" is not on its list of brands (use its spelling there, or ask {name} to add it)"
            ))
        }
        Ok(Ok(_)) => None,
        Ok(Err(error)) => {
            tracing::warn!(%platform, %error, "could not ask whether the platform knows the brand");
            None
        }
        Err(_) => {
            tracing::warn!(%platform, "the platform did not say in time whether it knows the brand");
            None
        }
    }
}
