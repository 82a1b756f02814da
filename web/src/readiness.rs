//! Whether each platform would take a listing of a product as it stands:
//! the pure rules (`riff_domain::listing::readiness`) given the product, the
//! shop's category map and terms; for a platform that keeps its own list of
//! brands, its answer; and for a platform that can check a listing without
//! making it (eBay's `VerifyAddFixedPriceItem`), its own verdict on the
//! very request a publish would send. The API's readiness, the product
//! page, and every publish (which sends nothing to a platform that is not
//! ready) ask here, so the three cannot disagree.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use riff_domain::listing::readiness::{self, Candidate};
use riff_domain::listing::{defaults, PlatformAttributes};
use riff_domain::port::PublishRequest;
use riff_domain::value::{MediaKind, Platform, Sku};
use riff_domain::{Product, Settings};
use uuid::Uuid;

use crate::error::ApiError;
use crate::sync::request::{publish_request, ListingFacts};
use crate::sync::Engine;

/// How long readiness waits for a platform to say whether it knows a
/// brand (V&R's check has 3 s of its own; a busy session may add to it).
const BRAND_CHECK_PATIENCE: Duration = Duration::from_secs(5);

/// What each configured platform would still refuse a listing of `sku`
/// without, in the owner's words; empty when ready.
///
/// # Errors
/// `404` unknown product; the store failed.
pub async fn of_product(
    engine: &Engine,
    verdicts: &Verdicts,
    sku: &Sku,
) -> Result<BTreeMap<Platform, Vec<String>>, ApiError> {
    let product = engine.ledger.load_product(sku).await?;
    let settings = engine.ledger.load_settings().await?;
    let mut ready = BTreeMap::new();
    for platform in engine.platforms.keys() {
        let missing = missing(
            engine,
            verdicts,
            sku,
            &product,
            &settings,
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
    engine: &Engine,
    verdicts: &Verdicts,
    sku: &Sku,
    product: &Product,
    settings: &Settings,
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
    let completed = defaults::complete(attributes.clone(), details, &settings.category_map());
    let candidate = Candidate {
        details,
        quantity: product.quantity,
        pictures: count(false),
        uploaded_pictures: count(true),
        attributes: &completed,
    };
    let mut missing = readiness::missing(&candidate, &engine.terms);
    if let Some(unknown) = unknown_brand(engine, platform, details.brand.as_str()).await {
        missing.push(unknown);
    }
    // Only a listing that passes Riff's own checks is shown to the
    // platform: what Riff already knows it lacks is said without a call.
    if missing.is_empty() {
        let facts = ListingFacts {
            listing_id: Uuid::nil(),
            attributes,
            shown: None,
        };
        let public_url = &engine.public_url;
        if let Some(request) = publish_request(sku.clone(), product, settings, facts, public_url) {
            missing.extend(verified(engine, verdicts, platform, request).await);
        }
    }
    Ok(missing)
}

/// How long a platform's verdict on a request is kept: until the request
/// changes (the product, the settings or the attributes did), and at most
/// this long, since the platform's own rules change too.
const VERDICT_KEPT: Duration = Duration::from_secs(60 * 60);

/// A platform's last verdict on each product's request.
#[derive(Default)]
pub struct Verdicts {
    kept: Mutex<HashMap<(Platform, Sku), Verdict>>,
}

/// What was asked, what the platform said, and when.
struct Verdict {
    asked: PublishRequest,
    refusals: Vec<String>,
    at: Instant,
}

/// What `platform` itself refuses in `request` (eBay's verify call),
/// each as "eBay says: …"; nothing when it has no such check, takes it, or
/// cannot be asked in time (the publish will say).
async fn verified(
    engine: &Engine,
    verdicts: &Verdicts,
    platform: Platform,
    request: PublishRequest,
) -> Vec<String> {
    let Some(marketplace) = engine.platforms.get(&platform) else {
        return Vec::new();
    };
    let key = (platform, request.sku.clone());
    let kept = verdicts
        .kept
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .filter(|kept| kept.asked == request && kept.at.elapsed() < VERDICT_KEPT)
        .map(|kept| kept.refusals.clone());
    if let Some(verdict) = kept {
        return verdict;
    }
    let verdict: Vec<String> = match tokio::time::timeout(
        VERIFY_PATIENCE,
        marketplace.verify(&request),
    )
    .await
    {
        Ok(Ok(refusals)) => refusals
            .into_iter()
            .map(|refusal| format!("{} says: {refusal}", platform.display_name()))
            .collect(),
        Ok(Err(error)) => {
            tracing::warn!(%platform, %error, "could not ask the platform to verify the listing");
            return Vec::new();
        }
        Err(_) => {
            tracing::warn!(%platform, "the platform did not verify the listing in time");
            return Vec::new();
        }
    };
    verdicts
        .kept
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            key,
            Verdict {
                asked: request,
                refusals: verdict.clone(),
                at: Instant::now(),
            },
        );
    verdict
}

/// How long readiness waits for a platform's verdict (eBay's verify call
/// uploads the pictures first when it cannot fetch them).
const VERIFY_PATIENCE: Duration = Duration::from_secs(20);

/// The readiness item for a brand the platform says it does not know.
/// Not hearing back in time is not a refusal: the owner is not kept
/// waiting, and the publish will say.
async fn unknown_brand(engine: &Engine, platform: Platform, brand: &str) -> Option<String> {
    let marketplace = engine.platforms.get(&platform)?;
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
