//! `POST /api/products/{sku}/sales`: record a sale — over the counter, or
//! one a marketplace reported. First sale wins; a sale of an item already
//! sold is recorded as a conflict, never refused.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use riff_domain::policy::Sale;
use riff_domain::value::SaleChannel;
use serde::Serialize;
use serde_json::Value;

use super::body::Fields;
use super::representation::{self, ProductJson};
use super::ProductSku;
use crate::actions::{self, SaleRecorded};
use crate::error::ApiError;
use crate::http::api::api_metadata;
use crate::http::api::refusals::{FieldRefused, NoProduct, NotJson};
use crate::http::json::ApiJson;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct Recorded {
    /// `sold`; `conflict` when the item had already sold (an oversell to
    /// resolve); `already_recorded` when this order was known.
    status: &'static str,
    product: ProductJson,
}

/// Every field a sale body may carry.
pub(crate) const SALE_FIELDS: &[&str] = &[
    "channel",
    "order_ref",
    "order_number",
    "sold_at",
    "price",
    "quantity",
];

#[utoipa::path(
    post,
    path = "/products/{sku}/sales",
    params(ProductSku),
    request_body = crate::http::api::openapi::SaleInput,
    responses(
        (status = 201, description = "The sale as recorded: `sold`, or `conflict` when another sale won", body = serde_json::Value),
        NotJson,
        NoProduct,
        FieldRefused,
    )
)]
pub(crate) async fn record_sale(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Recorded>), ApiError> {
    let fields = Fields::new(body, SALE_FIELDS)?;
    let channel: SaleChannel = fields.required("channel")?.parse()?;
    let order_ref = fields.required("order_ref")?;
    let order_number = fields.text("order_number")?.flatten();
    let sold_at = chrono::DateTime::parse_from_rfc3339(&fields.required("sold_at")?)
        .map_err(|_| {
            ApiError::invalid(
                "sold_at",
                "must be an RFC 3339 time such as 2026-11-25T10:30:00Z",
            )
        })?
        .with_timezone(&chrono::Utc);
    let price = fields
        .price(state.currency)?
        .ok_or_else(|| ApiError::invalid("price", "is required"))?;
    let quantity = fields.quantity()?.unwrap_or(1);
    let sale = Sale {
        channel,
        order_ref,
        order_number,
        sold_at,
        price,
        quantity,
        listing: None,
    };
    let recorded = actions::record_sale(&state, &sku, sale, &api_metadata()).await?;
    let product = representation::one(&state.db, sku.as_str()).await?;
    let code = match recorded {
        SaleRecorded::AlreadyRecorded => StatusCode::OK,
        SaleRecorded::Sold | SaleRecorded::Conflict => StatusCode::CREATED,
    };
    Ok((
        code,
        Json(Recorded {
            status: recorded.as_str(),
            product,
        }),
    ))
}
