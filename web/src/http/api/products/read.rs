//! `GET /api/products` and `GET /api/products/{sku}`.

use axum::extract::State;
use axum::Json;
use riff_domain::value::Platform;
use riff_projections::timeline::{self, At};
use riff_projections::view::inventory::{self, InventoryQuery, SortColumn};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::representation::{self, ProductJson};
use crate::error::ApiError;
use crate::http::json::{ApiPath, ApiQuery};
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
    tag = "products",
    params(("sku" = String, Path, description = "The product's SKU"), AsOf),
    responses(
        (status = 200, description = "The product, with its listings and media", body = serde_json::Value),
        (status = 404, description = "No product has that SKU", body = crate::http::api::openapi::Error),
        (status = 422, description = "`at` is neither a time nor a position", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    ApiPath(sku): ApiPath<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Json<ProductJson>, ApiError> {
    match as_of.at.as_deref().filter(|a| !a.is_empty()) {
        None => Ok(Json(representation::one(&state.db, &sku).await?)),
        Some(raw) => {
            let at = parse_at(raw)?;
            let (item, listings) = timeline::product_as_of(&state.db, &sku, at)
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

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    pub(crate) q: Option<String>,
    pub(crate) brand: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) condition: Option<String>,
    pub(crate) status: Option<String>,
    /// Listed on this platform (a listing pending, live or ending).
    pub(crate) platform: Option<String>,
    /// Not listed on this platform.
    pub(crate) not_platform: Option<String>,
    pub(crate) min_price: Option<String>,
    pub(crate) max_price: Option<String>,
    pub(crate) sort: Option<String>,
    pub(crate) order: Option<String>,
    pub(crate) page: Option<u32>,
    pub(crate) per_page: Option<u32>,
}

/// The most products one page may hold.
const MAX_PER_PAGE: u32 = 200;

impl TryFrom<ListParams> for InventoryQuery {
    type Error = ApiError;

    fn try_from(p: ListParams) -> Result<Self, Self::Error> {
        let defaults = InventoryQuery::default();
        let sort = match p.sort.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => SortColumn::parse(raw).map_err(|m| ApiError::invalid("sort", m))?,
            None => defaults.sort,
        };
        // Newest first by default; an explicit column sorts ascending
        // unless told otherwise.
        let descending = match p.order.as_deref().filter(|s| !s.is_empty()) {
            Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(ApiError::invalid("order", "must be asc or desc")),
            None => p.sort.is_none() && defaults.descending,
        };
        let page = p.page.unwrap_or(1);
        if page == 0 {
            return Err(ApiError::invalid("page", "pages count from 1"));
        }
        let per_page = p.per_page.unwrap_or(defaults.per_page);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        let platform =
            |field: &'static str, raw: Option<String>| -> Result<Option<String>, ApiError> {
                match raw.filter(|s| !s.is_empty()) {
                    Some(raw) => Ok(Some(
                        raw.parse::<Platform>()
                            .map_err(|e| ApiError::invalid(field, e.message))?
                            .as_str()
                            .to_owned(),
                    )),
                    None => Ok(None),
                }
            };
        let price = |field: &'static str, raw: Option<String>| -> Result<Option<i64>, ApiError> {
            match raw.filter(|s| !s.is_empty()) {
                Some(raw) => match raw.trim().parse::<Decimal>() {
                    Ok(amount) if amount >= Decimal::ZERO => {
                        let mut minor = amount * Decimal::ONE_HUNDRED;
                        minor.rescale(0);
                        i64::try_from(minor)
                            .map(Some)
                            .map_err(|_| ApiError::invalid(field, "is too large"))
                    }
                    _ => Err(ApiError::invalid(
                        field,
                        "must be an amount such as 100 or 99.50",
                    )),
                },
                None => Ok(None),
            }
        };
        Ok(Self {
            listed_on: platform("platform", p.platform)?,
            not_listed_on: platform("not_platform", p.not_platform)?,
            min_price_minor: price("min_price", p.min_price)?,
            max_price_minor: price("max_price", p.max_price)?,
            q: p.q,
            brand: p.brand,
            category: p.category,
            condition: p.condition,
            status: p.status,
            sort,
            descending,
            page,
            per_page,
        })
    }
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
    tag = "products",
    params(ListParams),
    responses(
        (status = 200, description = "A page of the inventory, filtered and sorted: `{items, total, page, per_page}`", body = serde_json::Value),
        (status = 422, description = "A filter or sort is refused", body = crate::http::api::openapi::Error),
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
