//! Listings: put a product on a platform, take it off. Both answer `202`
//! at once: the call to the marketplace is the effects worker's, and the
//! outcome shows in the product's listings (and the log) moments later.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::value::Platform;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use uuid::Uuid;

use super::products::ProductSku;
use super::{accepted, api_metadata};
use crate::actions;
use crate::error::ApiError;
use crate::http::api::refusals::{FieldRefused, NoListing, NoProduct, NotJson};
use crate::http::json::{known_fields, optional_json, typed, ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishBody {
    platform: String,
    #[serde(default)]
    attributes: Option<Value>,
}

/// `POST /api/products/{sku}/listings` `{"platform", "attributes"?}`.
#[utoipa::path(
    post,
    path = "/products/{sku}/listings",
    params(ProductSku),
    request_body = PublishBody,
    responses(
        (status = 202, description = "The listing is requested: `{listing_id, status: pending}`", body = serde_json::Value),
        NotJson,
        NoProduct,
        (status = 409, description = "The product cannot be listed now (sold, archived, a draft, or already listed there)", body = crate::http::api::openapi::Error),
        (status = 422, description = "The platform would refuse the listing: `missing` says what the product needs, and nothing was sent (or a field is refused; `error` names it)", body = crate::http::api::openapi::NotReady),
    )
)]
pub(crate) async fn publish(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: PublishBody = typed(known_fields(body, &["platform", "attributes"])?)?;
    let platform: Platform = body.platform.parse()?;
    let attributes = match body.attributes {
        None | Some(Value::Null) => PlatformAttributes::empty(platform),
        Some(value) => PlatformAttributes::from_json(platform, value)
            .map_err(|message| ApiError::invalid("attributes", message))?,
    };
    let listing_id =
        actions::request_listing(&state, sku.as_str(), platform, attributes, &api_metadata())
            .await?;
    Ok(accepted(
        json!({"listing_id": listing_id, "status": "pending"}),
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/listings/{id}/end` `{"reason"?}`: `manual` (the default),
/// `removed` or `sold_elsewhere`.
#[utoipa::path(
    post,
    path = "/listings/{id}/end",
    params(ListingId),
    request_body = Option<EndBody>,
    responses(
        (status = 202, description = "The end is requested", body = serde_json::Value),
        NotJson,
        NoListing,
        (status = 409, description = "The listing is not up", body = crate::http::api::openapi::Error),
        FieldRefused,
    )
)]
pub(crate) async fn end(
    State(state): State<AppState>,
    ListingId(listing_id): ListingId,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: EndBody = optional_json(&body, &["reason"])?;
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
    let status = actions::end_listing(&state, listing_id, reason, &api_metadata()).await?;
    Ok(accepted(
        json!({"listing_id": listing_id, "status": status.as_str()}),
    ))
}

/// `POST /api/listings/{id}/revise`: send a live listing its product as it
/// is now, again — after a revision the platform refused.
#[utoipa::path(
    post,
    path = "/listings/{id}/revise",
    params(ListingId),
    responses(
        (status = 202, description = "The revision is requested", body = serde_json::Value),
        NoListing,
        (status = 409, description = "The listing is not live", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn revise(
    State(state): State<AppState>,
    ListingId(listing_id): ListingId,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    actions::revise_listing(&state, listing_id, &api_metadata()).await?;
    Ok(accepted(
        json!({"listing_id": listing_id, "revision": "updating"}),
    ))
}

/// The listing a route's path names (`/listings/{id}/…`), read and
/// described in one place. An id that is no UUID names no listing (`404`).
#[derive(IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub(crate) struct ListingId(
    /// The listing's id
    #[param(value_type = String)]
    Uuid,
);

impl<S: Send + Sync> FromRequestParts<S> for ListingId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(id) = ApiPath::<String>::from_request_parts(parts, state).await?;
        Uuid::parse_str(&id)
            .map(Self)
            .map_err(|_| ApiError::NotFound(format!("no listing has id {id}")))
    }
}
