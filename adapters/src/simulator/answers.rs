//! Answers several simulators give alike, as the platforms' edges do.

use axum::http::header::{HOST, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// The answer a simulator sends instead of the one asked for: an injected
/// fault, a refused token, the login page. Boxed, as a response is large
/// and travels in the `Result` of every handler, which stops at the first
/// one with `?`.
#[derive(Debug)]
pub(crate) struct Refused(Box<Response>);

impl From<Response> for Refused {
    fn from(response: Response) -> Self {
        Self(Box::new(response))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// HTTP 429 with `Retry-After` in seconds and an empty body.
pub(crate) fn too_many_requests(retry_after_secs: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(RETRY_AFTER, retry_after_secs.to_string())],
        "",
    )
        .into_response()
}

/// HTTP 500 with a plain-text body.
pub(crate) fn internal_server_error() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
}

/// The `Host` the request was sent to, for the simulator's own links
/// (loopback without one).
pub(crate) fn host(headers: &HeaderMap) -> &str {
    headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
}
