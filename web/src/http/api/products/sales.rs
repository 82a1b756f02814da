//! `POST /api/products/{sku}/sales`: record a sale — over the counter, or
//! one a marketplace reported. First sale wins; a sale of an item already
//! sold is recorded as a conflict, never refused.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use cqrs_es::Aggregate;
use riff_domain::policy::Sale;
use riff_domain::value::{SaleChannel, Sku};
use riff_domain::{EventMetadata, Product, ProductCommand, Source};
use riff_projections::view::sales;
use serde::Serialize;
use serde_json::Value;

use super::body::Fields;
use super::representation::{self, ProductJson};
use crate::error::ApiError;
use crate::http::json::{ApiJson, ApiPath};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct Recorded {
    /// `sold`; `conflict` when the item had already sold (an oversell to
    /// resolve); `already_recorded` when this order was known.
    status: &'static str,
    product: ProductJson,
}

pub(crate) async fn record_sale(
    State(state): State<AppState>,
    ApiPath(sku): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<Recorded>), ApiError> {
    let fields = Fields::new(
        body,
        &["channel", "order_ref", "sold_at", "price", "quantity"],
    )?;
    let channel: SaleChannel = fields.required("channel")?.parse()?;
    let order_ref = fields.required("order_ref")?;
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
    let sku =
        Sku::parse(&sku).map_err(|_| ApiError::NotFound(format!("no product has SKU {sku}")))?;

    let before = state.ledger.load_product(&sku).await?.version;
    let sale = Sale {
        channel,
        order_ref: order_ref.clone(),
        sold_at,
        price,
        quantity,
    };
    let command = ProductCommand::RecordSale {
        sale,
        priority: (*state.priority).clone(),
    };
    let meta = EventMetadata::new("api", Source::Api);
    state.ledger.product(&sku, command, &meta).await?;
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    let product = representation::one(&state.db, sku.as_str()).await?;
    if product.version() == before {
        return Ok((
            StatusCode::OK,
            Json(Recorded {
                status: "already_recorded",
                product,
            }),
        ));
    }
    let status =
        match sales::status_of(&state.db, sku.as_str(), channel.as_str(), &order_ref).await? {
            Some(s) if s == "conflict" => "conflict",
            _ => "sold",
        };
    Ok((StatusCode::CREATED, Json(Recorded { status, product })))
}
