//! `GET /api/products` and `GET /api/products/{sku}`.

use axum::extract::State;
use axum::Json;
use riff_projections::timeline::{self, At};
use riff_projections::view::inventory::{self, InventoryQuery};
use serde::{Deserialize, Serialize};

use super::representation::{self, ProductJson};
use super::ProductSku;
use crate::error::ApiError;
use crate::http::api::refusals::{FilterOrSortRefused, NoProduct};
use crate::http::json::ApiQuery;
use crate::queries::inventory::ListParams;
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AsOf {
    /// An RFC 3339 time or a log position: show the product as it was then.
    at: Option<String>,
}

#[utoipa::path(
    get,
    path = "/products/{sku}",
    params(ProductSku, AsOf),
    responses(
        (status = 200, description = "The product, with its listings and media", body = serde_json::Value),
        NoProduct,
        (status = 422, description = "`at` is neither a time nor a position", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Json<ProductJson>, ApiError> {
    match as_of.at.as_deref().filter(|a| !a.is_empty()) {
        None => Ok(Json(representation::one(&state.db, sku.as_str()).await?)),
        Some(raw) => {
            let at = parse_at(raw)?;
            let (item, listings) = timeline::product_as_of(&state.db, sku.as_str(), at)
                .await?
                .ok_or_else(|| {
                    ApiError::NotFound(format!("product {sku} did not exist at {raw}"))
                })?;
            Ok(Json(ProductJson::new(item, listings)))
        }
    }
}

fn parse_at(raw: &str) -> Result<At, ApiError> {
    if let Ok(position) = raw.parse::<i64>() {
        return Ok(At::Position(position));
    }
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| At::Time(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            ApiError::invalid(
                "at",
                "must be a log position or an RFC 3339 time such as 2026-11-25T10:30:00Z",
            )
        })
}

#[derive(Serialize)]
pub(crate) struct ProductList {
    items: Vec<ProductJson>,
    total: i64,
    page: u32,
    per_page: u32,
}

#[utoipa::path(
    get,
    path = "/products",
    params(ListParams),
    responses(
        (status = 200, description = "A page of the inventory, filtered and sorted: `{items, total, page, per_page}`", body = serde_json::Value),
        FilterOrSortRefused,
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ProductList>, ApiError> {
    let query = InventoryQuery::try_from(params)?;
    let items = inventory::page(&state.db, &query).await?;
    Ok(Json(ProductList {
        items: representation::with_listings(&state.db, items).await?,
        total: state.counts.total(&state.db, &query).await?,
        page: query.page,
        per_page: query.per_page,
    }))
}
