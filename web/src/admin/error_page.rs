//! Every refusal the admin site gives is a page. Handlers answer with
//! pages already; what answered in plain text (or nothing) was what runs
//! before them: axum's extractors refusing a query, a form or a path that
//! cannot be read, the CSRF check, a route without that method. A person
//! at a browser gets the same words inside the site's frame instead.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout;

/// Plain-text refusals are a sentence or two; anything longer is cut.
const MAX_MESSAGE: usize = 4 * 1024;

pub(crate) async fn html_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !status.is_client_error() || is_page {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_MESSAGE).await.unwrap_or_default();
    let mut answer = page(status, &String::from_utf8_lossy(&bytes));
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

/// A refusal as a page of the site: the status's name and the message.
pub(crate) fn page(status: StatusCode, message: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("Refused");
    let message = if message.trim().is_empty() {
        reason
    } else {
        message.trim()
    };
    let page = layout::bare(
        reason,
        html! {
            h1 { (reason) }
            p { (message) }
            p { a href="/" { "Back to the dashboard" } }
        },
    );
    (status, page).into_response()
}
