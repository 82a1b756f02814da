//! Routes. `/api` needs the bearer token; `/healthz` does not.

mod api;
mod health;
mod json;

use axum::routing::get;
use axum::{middleware, Router};
use tower_http::trace::TraceLayer;

use crate::auth::require_token;
use crate::state::AppState;

/// The whole application's router.
pub fn router(state: AppState) -> Router {
    let api = api::router().layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(health::healthz))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
