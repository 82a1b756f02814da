//! Routes. `/api` needs the bearer token; `/healthz`, `/metrics` and
//! `/webhooks/*` (verified per platform) do not.

pub(crate) mod api;
mod health;
pub(crate) mod json;
mod metrics;
pub mod webhooks;

use axum::routing::{any, get};
use axum::{middleware, Router};

use crate::auth::require_token;
use crate::state::AppState;

/// The JSON API's and the webhooks' routes, with `/healthz` and
/// `/metrics`; `startup` merges them with the admin site's.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let api = api::router().layer(middleware::from_fn_with_state(
        state.token.clone(),
        require_token,
    ));
    Router::new()
        .nest("/api", api)
        // The nest's fallback answers below `/api/…`, not `/api/` itself.
        .route("/api/", any(api::not_found))
        .route("/api/openapi.json", get(api::openapi::openapi_json))
        .nest("/webhooks", webhooks::router())
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
}
