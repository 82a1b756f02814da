//! The one-line notice after a form: the form's handler redirects back to
//! its page with `?notice=`, and the page shows it (`layout::notice`).

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// `?notice=` after a redirect.
#[derive(Deserialize, Default)]
pub(crate) struct Notice {
    pub(crate) notice: Option<String>,
}

/// Back to a page with a one-line notice.
/// The path is percent-encoded where it must be: it may hold a SKU as it
/// came in the request's path, decoded, and a `Location` holding a
/// control character or a space is no header at all (axum answered `500`).
pub(crate) fn back_to(path: &str, notice: &str) -> Response {
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
