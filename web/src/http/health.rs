//! `GET /healthz`: is Riff up, on which database, how long is the log, and
//! is every view following it. A view that cannot apply an event makes the
//! answer `503` `{"status": "degraded", "views": {"sales": {"stalled_at",
//! "error"}}}`: writes still work, but that view's pages are behind.

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
        Ok(position) => {
            let stalls = state.projector.stalls();
            if stalls.is_empty() {
                Json(json!({"status": "ok", "database": database, "position": position}))
                    .into_response()
            } else {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({"status": "degraded", "database": database,
                                "position": position, "views": stalls})),
                )
                    .into_response()
            }
        }
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
