//! `GET /api/export.csv`: the inventory, filtered as `/api/products` is, as
//! CSV.

use axum::extract::State;
use axum::response::IntoResponse;

use crate::error::ApiError;
use crate::http::api::refusals::FilterOrSortRefused;
use crate::http::json::ApiQuery;
use crate::queries::inventory::{self, ListParams};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/export.csv",
    params(ListParams),
    responses(
        (status = 200, description = "The filtered inventory as CSV", body = String, content_type = "text/csv"),
        FilterOrSortRefused,
    )
)]
pub(crate) async fn csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let body = inventory::csv(&state, params).await?;
    Ok(crate::export::attachment(body))
}
