//! Static assets, embedded in the binary: shops have flaky networks, and the
//! pages must work on a LAN with no internet.

use axum::http::header;
use axum::response::IntoResponse;

/// Versioned by hand when the stylesheet changes, so browsers may cache it
/// for good.
pub(crate) const CSS_PATH: &str = "/static/riff-1.css";

const CSS: &str = include_str!("assets/riff.css");

pub(crate) async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
}
