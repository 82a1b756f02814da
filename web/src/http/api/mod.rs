//! The JSON API under `/api`.

mod events;
mod products;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(products::list).post(products::create))
        .route(
            "/products/{sku}",
            get(products::get).patch(products::update),
        )
        .route("/products/{sku}/history", get(products::history))
        .route("/events", get(events::list))
}
