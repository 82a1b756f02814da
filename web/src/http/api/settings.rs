//! `/api/settings` and `/api/inventory/facets`: the shop's preferences, and
//! the filter dropdowns they order.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use cqrs_es::Aggregate;
use riff_domain::listing::defaults::CATEGORY_MAP;
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::{EventMetadata, Settings, SettingsCommand, Source};
use riff_projections::view::inventory::FacetValue;
use riff_projections::view::settings::dropdown_sort;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::http::json::{known_fields, ApiJson};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct ShopSettings {
    currency: String,
    platform_priority: Vec<&'static str>,
    dropdown_sort: BTreeMap<&'static str, &'static str>,
    /// Where each of Riff's categories goes on each platform.
    category_map: Vec<CategoryJson>,
}

/// One entry of the category map, in the shape `PUT`s of it will take.
#[derive(Serialize)]
pub(crate) struct CategoryJson {
    category: &'static str,
    ebay: &'static str,
    ebay_item_specifics: BTreeMap<&'static str, &'static str>,
    reverb: &'static str,
    vr: VrCategoryJson,
    shopify: &'static str,
}

#[derive(Serialize)]
pub(crate) struct VrCategoryJson {
    category: &'static str,
    sub_category: &'static str,
}

fn category_map() -> Vec<CategoryJson> {
    CATEGORY_MAP
        .iter()
        .map(|m| CategoryJson {
            category: m.category,
            ebay: m.ebay_category_id,
            ebay_item_specifics: m.ebay_item_specifics.iter().copied().collect(),
            reverb: m.reverb_category,
            vr: VrCategoryJson {
                category: m.vr_category,
                sub_category: m.vr_sub_category,
            },
            shopify: m.shopify_product_type,
        })
        .collect()
}

pub(crate) async fn get(State(state): State<AppState>) -> Result<Json<ShopSettings>, ApiError> {
    Ok(Json(ShopSettings {
        currency: state.currency.to_string(),
        platform_priority: state
            .priority
            .platforms()
            .iter()
            .map(|p| p.as_str())
            .collect(),
        dropdown_sort: dropdown_sort(&state.db)
            .await?
            .into_iter()
            .map(|(f, o)| (f.as_str(), o.as_str()))
            .collect(),
        category_map: category_map(),
    }))
}

pub(crate) async fn set_dropdown_sort(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ShopSettings>, ApiError> {
    let body = known_fields(body, &["field", "order"])?;
    let text = |key: &'static str| {
        body.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::invalid(key, "is required"))
    };
    let field: DropdownField = text("field")?.parse()?;
    let order: DropdownOrder = text("order")?.parse()?;
    let meta = EventMetadata::new("api", Source::Api);
    state
        .ledger
        .settings(SettingsCommand::SetDropdownSort { field, order }, &meta)
        .await?;
    state.caught_up_with(Settings::TYPE, Settings::ID).await?;
    get(State(state)).await
}

#[derive(Serialize)]
pub(crate) struct Facets(BTreeMap<&'static str, Vec<FacetValue>>);

/// Every dropdown's options with their counts, in the configured order.
pub(crate) async fn facets(State(state): State<AppState>) -> Result<Json<Facets>, ApiError> {
    let orders = dropdown_sort(&state.db).await?;
    let all = state.counts.facets(&state.db, &orders).await?;
    Ok(Json(Facets(
        all.into_iter().map(|(f, v)| (f.as_str(), v)).collect(),
    )))
}
