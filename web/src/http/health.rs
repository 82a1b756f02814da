//! `GET /healthz`: is Riff up, on which database, and how long is the log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use riff_projections::log;
use serde_json::json;

use crate::state::AppState;

pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let database = state.db.backend().as_str();
    match log::safe_position(&state.db).await {
        Ok(position) => Json(json!({"status": "ok", "database": database, "position": position}))
            .into_response(),
        Err(error) => {
            tracing::error!(error.message = %error, "health check could not reach the database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": database,
                            "error": "the database does not answer; check DATABASE_URL and that the server is up"})),
            )
                .into_response()
        }
    }
}
