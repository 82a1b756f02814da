//! Routes. `/api` needs the bearer token; `/healthz`, `/metrics` and
//! `/webhooks/*` (verified per platform) do not.

pub(crate) mod api;
mod health;
pub(crate) mod json;
mod metrics;
mod uri;
pub mod webhooks;

use axum::routing::{any, get};
use axum::{middleware, Router};
use tower_http::trace::TraceLayer;

use crate::auth::require_token;
use crate::state::AppState;

/// The whole application's router.
pub fn router(state: AppState) -> Router {
    let api = api::router().layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .merge(crate::admin::router(&state))
        .nest("/api", api)
        // The nest's fallback answers below `/api/…`, not `/api/` itself.
        .route("/api/", any(api::not_found))
        .route("/api/openapi.json", get(api::openapi::openapi_json))
        .nest("/webhooks", webhooks::router())
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .layer(middleware::from_fn(uri::refuse_nul))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
