//! The product JSON every endpoint returns: the inventory row with its
//! listings; and a change to a product answered with it.

use axum::Json;
use riff_domain::value::Sku;
use riff_domain::ProductCommand;
use riff_projections::view::inventory::InventoryItem;
use riff_projections::view::product_listings::{self, ListingRow};
use riff_projections::Db;
use serde::Serialize;

use crate::actions;
use crate::error::ApiError;
use crate::http::api::api_metadata;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct ProductJson {
    #[serde(flatten)]
    item: InventoryItem,
    listings: Vec<ListingRow>,
}

impl ProductJson {
    pub(super) fn new(item: InventoryItem, listings: Vec<ListingRow>) -> Self {
        Self { item, listings }
    }
}

/// Attaches each product's listings, with one query for all of them.
pub(super) async fn with_listings(
    db: &Db,
    items: Vec<InventoryItem>,
) -> Result<Vec<ProductJson>, ApiError> {
    let skus: Vec<&str> = items.iter().map(|i| i.sku.as_str()).collect();
    let mut listings = product_listings::of_products(db, &skus).await?;
    Ok(items
        .into_iter()
        .map(|item| {
            let (own, rest): (Vec<_>, Vec<_>) = listings
                .drain(..)
                .partition(|l| l.sku.as_deref() == Some(item.sku.as_str()));
            listings = rest;
            ProductJson {
                item,
                listings: own,
            }
        })
        .collect())
}

/// One product, or `404`.
pub(super) async fn one(db: &Db, sku: &str) -> Result<ProductJson, ApiError> {
    let item = riff_projections::view::inventory::get(db, sku)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no product has SKU {sku}")))?;
    let mut all = with_listings(db, vec![item]).await?;
    Ok(all.remove(0))
}

/// Gives the product `command` as the API, and answers the product as it
/// is now.
pub(super) async fn changed(
    state: &AppState,
    sku: &Sku,
    command: ProductCommand,
) -> Result<Json<ProductJson>, ApiError> {
    actions::change_product(state, sku, command, &api_metadata()).await?;
    Ok(Json(one(&state.db, sku.as_str()).await?))
}
