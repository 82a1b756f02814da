//! The JSON API under `/api`.

pub(crate) mod audit;
mod events;
pub(crate) mod export;
mod flags;
mod listings;
pub(crate) mod products;
pub(crate) mod sales;
mod settings;
mod sync;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(products::list).post(products::create))
        .route(
            "/products/{sku}",
            get(products::get).patch(products::update),
        )
        .route("/products/{sku}/history", get(products::history))
        .route("/products/{sku}/readiness", get(products::readiness))
        .route(
            "/products/{sku}/media",
            post(products::media::add)
                .layer(DefaultBodyLimit::max(crate::media::UPLOAD_BODY_LIMIT)),
        )
        .route("/products/{sku}/media/order", put(products::media::reorder))
        .route(
            "/products/{sku}/media/{id}",
            delete(products::media::remove),
        )
        .route("/products/{sku}/sales", post(products::record_sale))
        .route("/products/{sku}/archive", post(products::archive))
        .route("/products/{sku}/restore", post(products::restore))
        .route("/products/{sku}/activate", post(products::activate))
        .route("/products/{sku}/listings", post(listings::publish))
        .route("/listings/{id}/end", post(listings::end))
        .route("/sync", post(sync::start))
        .route("/sync/runs", get(sync::list))
        .route("/sync/runs/{id}", get(sync::get))
        .route("/events", get(events::list))
        .route("/flags", get(flags::list))
        .route("/flags/{id}/resolve", post(flags::resolve))
        .route("/sales", get(sales::report))
        .route("/audit", get(audit::search))
        .route("/export.csv", get(export::csv))
        .route("/inventory/facets", get(settings::facets))
        .route("/settings", get(settings::get))
        .route("/settings/dropdown-sort", put(settings::set_dropdown_sort))
        .route("/settings/category-map", put(settings::map_category))
        // A client of the API reads JSON: an unknown path or a wrong method
        // is said so in JSON, never answered by the admin site's login page.
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no API route is {}; see the API table in the README",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} does not take {method}; see the API table in the README",
        uri.path()
    ))
}
