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
/// (`#[utoipa::path]` on each handler), in groups, each group filed under
/// its tag in the document. The router and the OpenAPI document are both
/// made from it.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    use products::{create, history, lifecycle, media, read, readiness, sales as sale, update};
    let products = OpenApiRouter::new()
        .routes(routes!(read::list, create::create))
        .routes(routes!(read::get, update::update))
        .routes(routes!(history::history))
        .routes(routes!(lifecycle::archive))
        .routes(routes!(lifecycle::restore))
        .routes(routes!(lifecycle::activate))
        .routes(routes!(export::csv));
    // An upload may be larger than other bodies.
    let uploads = OpenApiRouter::new()
        .routes(routes!(media::add))
        .layer(DefaultBodyLimit::max(crate::media::UPLOAD_BODY_LIMIT));
    let media = OpenApiRouter::new()
        .merge(uploads)
        .routes(routes!(media::reorder))
        .routes(routes!(media::remove));
    let listings = OpenApiRouter::new()
        .routes(routes!(readiness::readiness))
        .routes(routes!(listings::publish))
        .routes(routes!(listings::end))
        .routes(routes!(listings::revise));
    let sales = OpenApiRouter::new()
        .routes(routes!(sale::record_sale))
        .routes(routes!(sales::report));
    let sync = OpenApiRouter::new()
        .routes(routes!(sync::start))
        .routes(routes!(sync::list))
        .routes(routes!(sync::get));
    let log = OpenApiRouter::new()
        .routes(routes!(events::list))
        .routes(routes!(audit::search));
    let flags = OpenApiRouter::new()
        .routes(routes!(flags::list))
        .routes(routes!(flags::resolve))
        .routes(routes!(flags::settle));
    let settings = OpenApiRouter::new()
        .routes(routes!(settings::facets))
        .routes(routes!(settings::get))
        .routes(routes!(settings::set_dropdown_sort))
        .routes(routes!(settings::map_category))
        .routes(routes!(settings::set_price_rule));
    OpenApiRouter::new()
        .merge(tagged("products", products))
        .merge(tagged("media", media))
        .merge(tagged("listings", listings))
        .merge(tagged("sales", sales))
        .merge(tagged("sync", sync))
        .merge(tagged("log", log))
        .merge(tagged("flags", flags))
        .merge(tagged("settings", settings))
}

/// Files every operation of `group` under `tag` in the document, so the
/// table says a group's tag once rather than each handler saying it.
fn tagged(tag: &str, mut group: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for item in group.get_openapi_mut().paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            operation.tags = Some(vec![tag.to_owned()]);
        }
    }
    group
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
