//! `GET /api/export.csv`: the inventory, filtered as `/api/products` is, as
//! CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use riff_projections::view::inventory::InventoryQuery;

use super::products::ListParams;
use crate::error::ApiError;
use crate::export::write_csv;
use crate::http::json::ApiQuery;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/export.csv",
    tag = "products",
    params(ListParams),
    responses(
        (status = 200, description = "The filtered inventory as CSV", body = String, content_type = "text/csv"),
        (status = 422, description = "A filter or sort is refused", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let query = InventoryQuery::try_from(params)?;
    let mut body = Vec::new();
    write_csv(&state.db, &query, &mut body)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"riff-inventory.csv\"",
            ),
        ],
        body,
    ))
}
