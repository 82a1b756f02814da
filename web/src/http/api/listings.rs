//! Listings: put a product on a platform, take it off. Both answer `202`
//! at once: the call to the marketplace is the effects worker's, and the
//! outcome shows in the product's listings (and the log) moments later.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingCommand, ListingStatus, Source};
use riff_projections::view::listing_index;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::ApiError;
use axum::body::Bytes;

use crate::http::json::{optional_json, ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishBody {
    platform: String,
    #[serde(default)]
    attributes: Option<Value>,
}

/// `POST /api/products/{sku}/listings` `{"platform", "attributes"?}`.
pub(crate) async fn publish(
    State(state): State<AppState>,
    ApiPath(sku): ApiPath<String>,
    ApiJson(body): ApiJson<PublishBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let platform: Platform = body.platform.parse()?;
    let attributes = match body.attributes {
        None | Some(Value::Null) => PlatformAttributes::empty(platform),
        Some(value) => PlatformAttributes::from_json(platform, value)
            .map_err(|message| ApiError::invalid("attributes", message))?,
    };
    if !state.engine.platforms.contains_key(&platform) {
        return Err(ApiError::Conflict(format!(
            "{} is not configured; set its credentials (README, Configuration) and restart Riff",
            platform.display_name()
        )));
    }
    let sku =
        Sku::parse(&sku).map_err(|_| ApiError::NotFound(format!("no product has SKU {sku}")))?;
    let product = state.ledger.load_product(&sku).await?;
    if product.sku.is_none() {
        return Err(ApiError::NotFound(format!("no product has SKU {sku}")));
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
        sku: sku.clone(),
        product_status: product.status,
        attributes,
    };
    let meta = EventMetadata::new("api", Source::Api);
    state.ledger.listing(listing_id, command, &meta).await?;
    state.projector.nudge();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"listing_id": listing_id, "status": "pending"})),
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/listings/{id}/end` `{"reason"?}`: `manual` (the default),
/// `removed` or `sold_elsewhere`.
pub(crate) async fn end(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: EndBody = optional_json(&body)?;
    let reason = match body.reason.as_deref() {
        None | Some("manual") => EndReason::Manual,
        Some("removed") => EndReason::Removed,
        Some("sold_elsewhere") => EndReason::SoldElsewhere,
        Some(other) => {
            return Err(ApiError::invalid(
                "reason",
                format!("{other:?} is not a reason; use manual, removed or sold_elsewhere"),
            ))
        }
    };
    let listing_id =
        Uuid::parse_str(&id).map_err(|_| ApiError::NotFound(format!("no listing has id {id}")))?;
    let meta = EventMetadata::new("api", Source::Api);
    state
        .ledger
        .listing(listing_id, ListingCommand::RequestEnd { reason }, &meta)
        .await?;
    state.projector.nudge();
    let listing = state.ledger.load_listing(listing_id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"listing_id": listing_id, "status": listing.status.as_str()})),
    ))
}
