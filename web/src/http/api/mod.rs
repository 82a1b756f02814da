//! The JSON API under `/api`.

pub(crate) mod audit;
mod events;
pub(crate) mod export;
pub(crate) mod flags;
mod listings;
pub(crate) mod openapi;
pub(crate) mod products;
mod refusals;
pub(crate) mod sales;
pub(crate) mod settings;
mod sync;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::{Json, Router};
use riff_domain::{EventMetadata, Source};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

/// The route table: every API route with its handler and its description
/// (`#[utoipa::path]` on each handler). The router and the OpenAPI
/// document are both made from it.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    use products::{create, history, lifecycle, media, read, readiness, sales as sale, update};
    // An upload may be larger than other bodies.
    let uploads = OpenApiRouter::new()
        .routes(routes!(media::add))
        .layer(DefaultBodyLimit::max(crate::media::UPLOAD_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(read::list, create::create))
        .routes(routes!(read::get, update::update))
        .routes(routes!(history::history))
        .routes(routes!(readiness::readiness))
        .merge(uploads)
        .routes(routes!(media::reorder))
        .routes(routes!(media::remove))
        .routes(routes!(sale::record_sale))
        .routes(routes!(lifecycle::archive))
        .routes(routes!(lifecycle::restore))
        .routes(routes!(lifecycle::activate))
        .routes(routes!(listings::publish))
        .routes(routes!(listings::end))
        .routes(routes!(listings::revise))
        .routes(routes!(sync::start))
        .routes(routes!(sync::list))
        .routes(routes!(sync::get))
        .routes(routes!(events::list))
        .routes(routes!(flags::list))
        .routes(routes!(flags::resolve))
        .routes(routes!(flags::settle))
        .routes(routes!(sales::report))
        .routes(routes!(audit::search))
        .routes(routes!(export::csv))
        .routes(routes!(settings::facets))
        .routes(routes!(settings::get))
        .routes(routes!(settings::set_dropdown_sort))
        .routes(routes!(settings::map_category))
        .routes(routes!(settings::set_price_rule))
}

pub(crate) fn router() -> Router<AppState> {
    let (router, _) = routes().split_for_parts();
    router
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

/// Who an API call is in the log: the token is the shop's, not a person's.
pub(crate) fn api_metadata() -> EventMetadata {
    EventMetadata::new("api", Source::Api)
}

/// `202` with `body`: the work is asked for, and done moments later by the
/// effects worker or the sync, where the log and the views show it.
pub(crate) fn accepted(body: Value) -> (StatusCode, Json<Value>) {
    (StatusCode::ACCEPTED, Json(body))
}
