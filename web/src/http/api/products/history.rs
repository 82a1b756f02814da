//! `GET /api/products/{sku}/history`: every event of the product and of its
//! listings, oldest first.

use axum::extract::State;
use axum::Json;
use riff_domain::value::Sku;
use riff_projections::view::product_listings;
use riff_projections::{log, StoredEvent};
use serde::Serialize;

use super::{representation, ProductSku};
use crate::error::ApiError;
use crate::http::api::refusals::NoProduct;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct History {
    sku: Sku,
    events: Vec<StoredEvent>,
}

#[utoipa::path(
    get,
    path = "/products/{sku}/history",
    params(ProductSku),
    responses(
        (status = 200, description = "Every event of the product and its listings, oldest first", body = serde_json::Value),
        NoProduct,
    )
)]
pub(crate) async fn history(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
) -> Result<Json<History>, ApiError> {
    representation::one(&state.db, sku.as_str()).await?;
    let listings = product_listings::of_products(&state.db, &[sku.as_str()]).await?;
    let mut aggregates = vec![("product", sku.as_str())];
    aggregates.extend(listings.iter().map(|l| ("listing", l.listing_id.as_str())));
    let events = log::events_of(&state.db, &aggregates).await?;
    Ok(Json(History { sku, events }))
}
