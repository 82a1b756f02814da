//! The sales report's filters (`/api/sales`, the sales page), checked,
//! and the report; and the time bounds the audit's filters share.

use riff_domain::value::SaleChannel;
use riff_projections::view::sales::{self, SalesQuery, SalesReport};
use riff_projections::view::timestamp;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Params {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) platform: Option<String>,
}

/// The sales report for the filters: what the API answers and the sales
/// page shows.
pub(crate) async fn select(state: &AppState, p: &Params) -> Result<SalesReport, ApiError> {
    let platform = match p.platform.as_deref().filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            raw.parse::<SaleChannel>()
                .map_err(|e| ApiError::invalid("platform", e.message))?,
        ),
        None => None,
    };
    let query = SalesQuery {
        from: time_bound("from", p.from.as_deref())?,
        to: time_bound("to", p.to.as_deref())?,
        platform: platform.map(|c| c.as_str().to_owned()),
    };
    Ok(sales::report(&state.db, &query).await?)
}

/// Accepts an RFC 3339 time or a date (`2026-11-01`, meaning its midnight,
/// UTC), and writes it as the views store times, so text order is time
/// order.
pub(crate) fn time_bound(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let time = chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| ApiError::invalid(field, "must be a date (2026-11-01) or an RFC 3339 time"))?;
    Ok(Some(timestamp(time)))
}
