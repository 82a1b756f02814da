//! Refuses an address holding a NUL, before any route sees it. A `%00` in
//! a path or query reached the views' SQL, where PostgreSQL cannot take it
//! in a text parameter (`invalid byte sequence`): a `500` for what is the
//! client's mistake. No resource and no filter value holds one
//! (`riff_domain::value::text`), so it is `400`. Other control characters
//! are left to the routes: `/login?next=/%09/…` is answered by falling
//! back to `/`, and a filter holding one simply matches nothing.

use axum::extract::Request;
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Answers in the shape of the door knocked at: `{"error"}` under `/api`
/// and `/webhooks`, a page of the admin site elsewhere.
pub(crate) async fn refuse_nul(request: Request, next: Next) -> Response {
    if holds_nul(request.uri()) {
        let message = "the address holds a NUL character (%00), which no resource or filter \
                       value has; remove it";
        let path = request.uri().path();
        if path.starts_with("/api") || path.starts_with("/webhooks") {
            return ApiError::BadRequest(message.into()).into_response();
        }
        return crate::admin::error_page::page(StatusCode::BAD_REQUEST, message);
    }
    next.run(request).await
}

/// Whether the path or query holds `%00`. (A raw NUL cannot reach here:
/// the HTTP parser refuses it.)
fn holds_nul(uri: &Uri) -> bool {
    let encoded = |text: &str| text.contains("%00");
    encoded(uri.path()) || uri.query().is_some_and(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_in_path_and_query() {
        for bad in ["/api/products/%00", "/api/products?q=a%00b", "/x/%00/y"] {
            assert!(holds_nul(&bad.parse().unwrap()), "{bad}");
        }
        for good in ["/api/products/GIB-1", "/x?q=%20%41%C3%A9", "/x?q=100%2500"] {
            assert!(!holds_nul(&good.parse().unwrap()), "{good}");
        }
    }
}
