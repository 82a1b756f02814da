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

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use maud::html;
use serde::Deserialize;

use super::layout;
use super::session::Session;
use super::Failure;
use crate::error::ApiError;
use crate::state::AppState;

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

/// `?notice=` after a redirect.
#[derive(Deserialize, Default)]
pub(crate) struct Notice {
    notice: Option<String>,
}

/// Back to a page of the product with a one-line notice.
/// The path is percent-encoded where it must be: it holds the SKU as it
/// came in the request's path, decoded, and a `Location` holding a
/// control character or a space is no header at all (axum answered `500`).
fn back_to(path: &str, notice: &str) -> Response {
    let query = serde_html_form::to_string([("notice", notice)]).unwrap_or_default();
    Redirect::to(&format!("{}?{query}", encode_path(path))).into_response()
}

/// Every byte that may not stand as it is in a URL path as `%XX`.
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'!'..=b'~' if !matches!(b, b'%' | b'?' | b'#' | b'"' | b'<' | b'>' | b'\\') => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn a_path_back_is_encoded_where_it_must_be() {
        assert_eq!(encode_path("/products/GIB-1/edit"), "/products/GIB-1/edit");
        assert_eq!(
            encode_path("/products/\t\u{7f}é %?/edit"),
            "/products/%09%7F%C3%A9%20%25%3F/edit"
        );
    }
}
