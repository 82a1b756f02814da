//! The product pages: `/products/new`, `/products/{sku}` (details, media,
//! listings, in-store sale, flags, history, "as of"), `/products/{sku}/edit`
//! (fields and media), and the small forms they post to. Every write goes
//! through [`crate::actions`], the same commands as the API.

mod attributes;
mod edit;
mod lifecycle;
mod listings;
pub(crate) mod media;
mod show;

use super::layout;
use super::notice::back_to;
use super::session::Session;
use super::Failure;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use maud::html;

/// The product pages' routes, for [`super::protected_routes`].
pub(super) fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/products/new", get(edit::new_form).post(edit::create)),
        ("/products/{sku}", get(show::show)),
        (
            "/products/{sku}/edit",
            get(edit::edit_form).post(edit::save),
        ),
        ("/products/{sku}/publish", post(listings::publish)),
        ("/products/{sku}/end", post(listings::end)),
        ("/products/{sku}/revise", post(listings::revise)),
        ("/products/{sku}/sale", post(listings::sale)),
        ("/products/{sku}/lifecycle", post(lifecycle::change)),
        (
            "/products/{sku}/media/upload",
            post(media::upload).layer(DefaultBodyLimit::max(crate::media::UPLOAD_BODY_LIMIT)),
        ),
        ("/products/{sku}/media/url", post(media::add_url)),
        ("/products/{sku}/media/youtube", post(media::add_youtube)),
        ("/products/{sku}/media/dropbox", post(media::add_dropbox)),
        ("/products/{sku}/media/move", post(media::move_one)),
        ("/products/{sku}/media/remove", post(media::remove)),
    ]
}

/// A small form's outcome: done, or refused with the reason shown on the
/// page it came from; only Riff's own failures are a failed page.
fn outcome(path: &str, result: Result<String, ApiError>) -> Result<Response, Failure> {
    match result {
        Ok(done) => Ok(back_to(path, &done)),
        Err(ApiError::Internal(cause)) => Err(Failure::from(cause)),
        Err(refused) => Ok(back_to(path, &refused.to_string())),
    }
}

/// The page for a SKU that names no product.
fn not_found(session: &Session, sku: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        layout::page(
            "No such product",
            "/inventory",
            session,
            html! {
                h1 { "No such product" }
                p { "No product has SKU " code { (sku) } ". " a href="/inventory" { "Back to the inventory" } }
            },
        ),
    )
        .into_response()
}
