//! Form posts with their CSRF token checked before anything else.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::session::Session;

/// A form of the admin site: `T` read from an urlencoded body (repeated
/// keys become lists), accepted only when its `csrf_token` field is the
/// session's.
pub(crate) struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct Token {
    csrf_token: Option<String>,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let session = request
            .extensions()
            .get::<Session>()
            .cloned()
            .ok_or_else(super::session::forbidden)?;
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token: Token =
            serde_html_form::from_bytes(&body).map_err(|_| super::session::forbidden())?;
        session
            .check(token.csrf_token.as_deref())
            .map_err(IntoResponse::into_response)?;
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|e| {
                (
                    StatusCode::BAD_REQUEST,
                    format!("the form could not be read: {e}"),
                )
                    .into_response()
            })
    }
}
