//! `GET /api/audit`: the whole log, searchable, each event with its
//! metadata, payload and a readable one-line summary; paged by position.

use axum::extract::State;
use axum::Json;

use crate::error::ApiError;
use crate::http::api::refusals::FilterRefused;
use crate::http::json::ApiQuery;
use crate::queries::audit::{page, Page, Params};
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/audit",
    params(Params),
    responses(
        (status = 200, description = "Audit entries after a position: `{events, last_position}`", body = serde_json::Value),
        FilterRefused,
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<Page>, ApiError> {
    page(&state, p).await.map(Json)
}
