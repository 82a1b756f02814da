//! `/api/settings` and `/api/inventory/facets`: the shop's preferences
//! (the dropdowns' order, the category map, the platforms' price rules),
//! and the filter dropdowns they order.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use cqrs_es::Aggregate;
use riff_domain::listing::category_map::{CategoryEditInput, CategoryMap, VrCategory};
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::Platform;
use riff_domain::{Settings, SettingsCommand};
use riff_projections::view::inventory::FacetValue;
use riff_projections::view::settings::dropdown_sort;
use serde::Serialize;
use serde_json::{Map, Value};

use super::api_metadata;
use crate::actions;
use crate::error::ApiError;
use crate::http::api::refusals::{FieldRefused, NotJson};
use crate::http::json::{known_fields, ApiJson};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct ShopSettings {
    currency: String,
    platform_priority: Vec<&'static str>,
    dropdown_sort: BTreeMap<&'static str, &'static str>,
    /// Where each of the shop's categories goes on each platform: Riff's
    /// defaults with the owner's edits.
    category_map: Vec<CategoryJson>,
    /// Each platform's price rule, as a percentage of the product's price
    /// (`{"reverb": "5"}`); a platform left out has none.
    price_rules: BTreeMap<&'static str, String>,
}

/// One entry of the category map, in the shape `PUT`s of it take. A field
/// a category added by the owner was not given is `null`.
#[derive(Serialize)]
pub(crate) struct CategoryJson {
    category: String,
    ebay: Option<String>,
    ebay_item_specifics: BTreeMap<String, String>,
    reverb: Option<String>,
    vr: Option<VrCategory>,
    shopify: Option<String>,
}

fn category_map(map: CategoryMap) -> Vec<CategoryJson> {
    map.entries()
        .iter()
        .cloned()
        .map(|m| CategoryJson {
            category: m.category,
            ebay: m.ebay_category_id,
            ebay_item_specifics: m.ebay_item_specifics.into_iter().collect(),
            reverb: m.reverb_category,
            vr: m.vr,
            shopify: m.shopify_product_type,
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/settings",
    responses(
        (status = 200, description = "The shop's settings, with the category map", body = serde_json::Value),
    )
)]
pub(crate) async fn get(State(state): State<AppState>) -> Result<Json<ShopSettings>, ApiError> {
    let settings = state.ledger.load_settings().await?;
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
        category_map: category_map(settings.category_map()),
        price_rules: settings
            .price_rules
            .iter()
            .map(|(platform, percent)| (platform.as_str(), percent.value().to_string()))
            .collect(),
    }))
}

#[utoipa::path(
    put,
    path = "/settings/dropdown-sort",
    request_body = crate::http::api::openapi::DropdownSortInput,
    responses(
        (status = 200, description = "The settings as changed", body = serde_json::Value),
        NotJson,
        FieldRefused,
    )
)]
pub(crate) async fn set_dropdown_sort(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ShopSettings>, ApiError> {
    let body = known_fields(body, DROPDOWN_SORT_FIELDS)?;
    let text = |key: &'static str| {
        body.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::invalid(key, "is required"))
    };
    let field: DropdownField = text("field")?.parse()?;
    let order: DropdownOrder = text("order")?.parse()?;
    let command = SettingsCommand::SetDropdownSort { field, order };
    state.ledger.settings(command, &api_metadata()).await?;
    state.caught_up_with(Settings::TYPE, Settings::ID).await?;
    get(State(state)).await
}

/// Every field a dropdown-sort body may carry.
pub(crate) const DROPDOWN_SORT_FIELDS: &[&str] = &["field", "order"];

/// Every field a category-map body may carry.
pub(crate) const CATEGORY_FIELDS: &[&str] = &[
    "category",
    "ebay",
    "reverb",
    "vr",
    "shopify",
    "ebay_item_specifics",
];

/// Changes one entry of the category map (or adds one): the fields given
/// replace the entry's, the others stay. Answers the settings.
#[utoipa::path(
    put,
    path = "/settings/category-map",
    request_body = crate::http::api::openapi::CategoryMapInput,
    responses(
        (status = 200, description = "The settings as changed", body = serde_json::Value),
        NotJson,
        FieldRefused,
    )
)]
pub(crate) async fn map_category(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ShopSettings>, ApiError> {
    let body = known_fields(body, CATEGORY_FIELDS)?;
    let input = category_edit_input(&body)?;
    actions::map_category(&state, input, &api_metadata()).await?;
    get(State(state)).await
}

/// The body's fields as typed, each of the type the API documents. A
/// `null` is refused rather than read as "leave it": leaving a field out
/// says that.
fn category_edit_input(body: &Map<String, Value>) -> Result<CategoryEditInput, ApiError> {
    let text = |key: &'static str| -> Result<Option<String>, ApiError> {
        match body.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid(
                key,
                "must be a string; leave it out to keep what is mapped",
            )),
        }
    };
    let object = |key: &'static str| -> Result<Option<&Map<String, Value>>, ApiError> {
        match body.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(ApiError::invalid(
                key,
                "must be an object; leave it out to keep what is mapped",
            )),
        }
    };
    let vr = match object("vr")? {
        None => None,
        Some(vr) => {
            if let Some(unknown) = vr
                .keys()
                .find(|k| !matches!(k.as_str(), "category" | "sub_category"))
            {
                return Err(ApiError::invalid(
                    "vr",
                    format!("{unknown:?} is not a field of vr; use category, sub_category"),
                ));
            }
            let id = |key: &str| {
                match vr.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                _ => Err(ApiError::invalid(
                    "vr",
                    format!("needs {key} as a string of digits, e.g. {{\"category\": \"51\", \"sub_category\": \"83\"}}"),
                )),
            }
            };
            Some((id("category")?, id("sub_category")?))
        }
    };
    let ebay_item_specifics = object("ebay_item_specifics")?
        .map(|specifics| {
            specifics
                .iter()
                .map(|(name, value)| match value {
                    Value::String(v) => Ok((name.clone(), v.clone())),
                    _ => Err(ApiError::invalid(
                        "ebay_item_specifics",
                        format!("the value of {name:?} must be a string"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(CategoryEditInput {
        category: text("category")?.ok_or_else(|| ApiError::invalid("category", "is required"))?,
        ebay: text("ebay")?,
        ebay_item_specifics,
        reverb: text("reverb")?,
        vr,
        shopify: text("shopify")?,
    })
}

/// Every field a price-rule body may carry.
pub(crate) const PRICE_RULE_FIELDS: &[&str] = &["platform", "percent"];

/// Sets one platform's price rule: its listings show the product's price
/// moved by `percent` (rounded to the cent), unless a listing has its own
/// price; `0` removes the rule. Answers the settings.
#[utoipa::path(
    put,
    path = "/settings/price-rule",
    request_body = crate::http::api::openapi::PriceRuleInput,
    responses(
        (status = 200, description = "The settings as changed", body = serde_json::Value),
        NotJson,
        FieldRefused,
    )
)]
pub(crate) async fn set_price_rule(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ShopSettings>, ApiError> {
    let body = known_fields(body, PRICE_RULE_FIELDS)?;
    let platform: Platform = match body.get("platform") {
        Some(Value::String(s)) => s.parse()?,
        Some(_) => {
            return Err(ApiError::invalid(
                "platform",
                "must be a string: ebay, reverb, shopify or vr",
            ))
        }
        None => return Err(ApiError::invalid("platform", "is required")),
    };
    // A number as JSON writes it, or the same as a string.
    let percent = match body.get("percent") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ApiError::invalid(
                "percent",
                "must be a number such as 5, -10 or 7.5 (0 removes the rule)",
            ))
        }
        None => return Err(ApiError::invalid("percent", "is required")),
    };
    actions::set_price_rule(&state, platform, &percent, &api_metadata()).await?;
    get(State(state)).await
}

#[derive(Serialize)]
pub(crate) struct Facets(BTreeMap<&'static str, Vec<FacetValue>>);

/// Every dropdown's options with their counts, in the configured order.
#[utoipa::path(
    get,
    path = "/inventory/facets",
    responses(
        (status = 200, description = "Each filter's values with their counts", body = serde_json::Value),
    )
)]
pub(crate) async fn facets(State(state): State<AppState>) -> Result<Json<Facets>, ApiError> {
    let orders = dropdown_sort(&state.db).await?;
    let all = state.counts.facets(&state.db, &orders).await?;
    Ok(Json(Facets(
        all.into_iter().map(|(f, v)| (f.as_str(), v)).collect(),
    )))
}
