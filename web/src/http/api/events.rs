//! `GET /api/events?after=&limit=`: the global log, paged by position.

use axum::extract::State;
use axum::Json;
use riff_projections::{log, StoredEvent};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::http::json::ApiQuery;
use crate::queries::audit::log_window;
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Page {
    after: Option<i64>,
    limit: Option<i64>,
}

#[derive(Serialize)]
pub(crate) struct Events {
    events: Vec<StoredEvent>,
    /// The position to ask `after` next time: the last event returned, or
    /// `after` itself when there was nothing new.
    last_position: i64,
}

/// Only events that can no longer be overtaken are returned, so a client
/// that pages with `after=last_position` never misses one.
#[utoipa::path(
    get,
    path = "/events",
    params(Page),
    responses(
        (status = 200, description = "Events after a position, in order: `{events, last_position}`", body = serde_json::Value),
        (status = 422, description = "`after` or `limit` is refused", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Events>, ApiError> {
    let (after, limit) = log_window(page.after, page.limit)?;
    let events = log::read_after(&state.db, after, limit).await?;
    let last_position = events.last().map_or(after, |e| e.position);
    Ok(Json(Events {
        events,
        last_position,
    }))
}
