//! A picture host on 127.0.0.1, standing for Riff's own `/media/…` on an
//! address the platform cannot reach, or for any site a picture is on.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// A PNG and a JPEG as far as their signatures go, which is all that is
/// checked on either side.
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-front-of-the-guitar";
pub(crate) const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF-back-of-the-guitar";

/// Serves `/front.png`, `/back` (a JPEG without an extension), a text file
/// and a failing picture; returns the base URL.
pub(crate) async fn picture_host() -> String {
    let router = Router::new()
        .route(
            "/front.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], PNG) }),
        )
        .route(
            "/back",
            get(|| async { ([(header::CONTENT_TYPE, "image/jpeg")], JPEG) }),
        )
        .route("/notes.txt", get(|| async { "not a picture" }))
        .route(
            "/broken.jpg",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR.into_response() }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}
