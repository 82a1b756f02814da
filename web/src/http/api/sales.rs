//! `GET /api/sales?from=&to=&platform=`: sales with totals by platform and
//! by month.

use axum::extract::State;
use axum::Json;
use riff_projections::view::sales::SalesReport;

use crate::error::ApiError;
use crate::http::api::refusals::FilterRefused;
use crate::http::json::ApiQuery;
use crate::queries::sales::{select, Params};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/sales",
    params(Params),
    responses(
        (status = 200, description = "Sales and totals: `{items, totals}`", body = serde_json::Value),
        FilterRefused,
    )
)]
pub(crate) async fn report(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<SalesReport>, ApiError> {
    select(&state, &p).await.map(Json)
}
