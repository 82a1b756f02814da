//! The inventory's filters, as a query string types them (`/api/products`,
//! `/api/export.csv`, the inventory page and its CSV), checked into an
//! [`InventoryQuery`]; and the CSV itself.

use riff_domain::value::Platform;
use riff_projections::view::inventory::{InventoryQuery, SortColumn};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::export::write_csv;
use crate::state::AppState;

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

/// The filtered inventory as CSV, as both doors send it.
///
/// # Errors
/// `422` a filter or sort is refused; the database failed.
pub(crate) async fn csv(state: &AppState, params: ListParams) -> Result<Vec<u8>, ApiError> {
    let query = InventoryQuery::try_from(params)?;
    let mut body = Vec::new();
    write_csv(&state.db, &query, &mut body)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(body)
}
