//! A product's life after it is made: `POST /api/products/{sku}/archive`
//! ends every live listing and takes it out of the catalogue, `…/restore`
//! brings it back without listing it again, and `…/activate` makes a draft
//! ready for sale. Each is an event, so each is in the audit.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use riff_domain::{ProductCommand, ProductStatus};
use serde::Deserialize;

use super::representation::{self, ProductJson};
use super::ProductSku;
use crate::error::ApiError;
use crate::http::api::refusals::{NoProduct, NotJson};
use crate::http::json::optional_json;
use crate::state::AppState;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArchiveBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/products/{sku}/archive` `{"reason"?}`: the sagas end every
/// listing that is up.
#[utoipa::path(
    post,
    path = "/products/{sku}/archive",
    params(ProductSku),
    request_body = Option<ArchiveBody>,
    responses(
        (status = 200, description = "The product, archived; its listings are ended", body = serde_json::Value),
        NotJson,
        NoProduct,
        (status = 409, description = "The product cannot be archived now", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn archive(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    body: Bytes,
) -> Result<Json<ProductJson>, ApiError> {
    let body: ArchiveBody = optional_json(&body, &["reason"])?;
    let reason = body.reason.filter(|r| !r.trim().is_empty());
    representation::changed(&state, &sku, ProductCommand::Archive { reason }).await
}

/// `POST /api/products/{sku}/restore`: active again, listed nowhere until
/// the owner lists it.
#[utoipa::path(
    post,
    path = "/products/{sku}/restore",
    params(ProductSku),
    responses(
        (status = 200, description = "The product, active again", body = serde_json::Value),
        NoProduct,
        (status = 409, description = "The product is not archived", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn restore(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
) -> Result<Json<ProductJson>, ApiError> {
    representation::changed(&state, &sku, ProductCommand::Restore).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActivateBody {
    #[serde(default)]
    price: Option<String>,
}

/// `POST /api/products/{sku}/activate` `{"price"?}`: a draft made ready
/// for sale, at `price` (in the shop's currency) or the price it has when
/// that is in the shop's currency already.
#[utoipa::path(
    post,
    path = "/products/{sku}/activate",
    params(ProductSku),
    request_body = Option<ActivateBody>,
    responses(
        (status = 200, description = "The draft, now an active product", body = serde_json::Value),
        NotJson,
        NoProduct,
        (status = 409, description = "The draft still lacks something; `error` says what", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn activate(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    body: Bytes,
) -> Result<Json<ProductJson>, ApiError> {
    let body: ActivateBody = optional_json(&body, &["price"])?;
    let price = body
        .price
        .map(|raw| riff_domain::value::Money::parse_price(&raw, state.currency))
        .transpose()?;
    let product = state.ledger.load_product(&sku).await?;
    if product.status == ProductStatus::Draft
        && price.is_none()
        && product.price.is_none_or(|p| p.currency != state.currency)
    {
        return Err(ApiError::invalid(
            "price",
            format!(
                "is required: this draft has no price in the shop's currency ({})",
                state.currency
            ),
        ));
    }
    representation::changed(&state, &sku, ProductCommand::Activate { price }).await
}
