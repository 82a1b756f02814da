//! `GET /metrics`: Prometheus's text format, unauthenticated like
//! `/healthz` (it holds counts, not data) — put it behind the network's own
//! rules if that matters.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let text = state
        .metrics
        .render(&state.db, &state.projector, crate::sync::sagas::READER)
        .await?;
    Ok((
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    ))
}
