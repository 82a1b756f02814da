//! The API's one error type, and its map to HTTP statuses. Every body is
//! `{"error": "what happened and what to do", "field"?: "name"}`; a listing
//! the platform is not ready for adds `"missing": [...]`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use riff_domain::value::InvalidValue;
use riff_domain::{ListingError, ProductError};
use riff_projections::ProjectionError;
use serde_json::json;

use crate::ledger::LedgerError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `400`: the body or query could not be read at all.
    #[error("{0}")]
    BadRequest(String),
    /// `422`: a field was read but its value is not acceptable.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// `401`: no valid bearer token.
    #[error("missing or wrong API token; send Authorization: Bearer <RIFF_API_TOKEN>")]
    Unauthorized,
    /// `404`.
    #[error("{0}")]
    NotFound(String),
    /// `405`: the path exists, not with this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// `409`: the request clashes with what exists (a duplicate SKU, a stale
    /// version, a state that does not allow it).
    #[error("{0}")]
    Conflict(String),
    /// `422`: the platform would refuse the listing; nothing was sent.
    #[error("{sku} is not ready for {platform}: it needs {}", missing.join("; "))]
    NotReady {
        sku: String,
        platform: &'static str,
        missing: Vec<String>,
    },
    /// `503`: try again shortly.
    #[error("{0}")]
    Busy(String),
    /// `500`: logged in full, shown as a plain apology.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, field) = match &self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, None),
            Self::Invalid { field, .. } => (StatusCode::UNPROCESSABLE_ENTITY, Some(field.clone())),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, None),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, None),
            Self::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, None),
            Self::Conflict(_) => (StatusCode::CONFLICT, None),
            Self::NotReady { .. } => (StatusCode::UNPROCESSABLE_ENTITY, None),
            Self::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, None),
            Self::Internal(cause) => {
                tracing::error!(error.message = %cause, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        let message = match &self {
            Self::Invalid { field, message } => format!("{field}: {message}"),
            Self::Internal(_) => {
                "something went wrong on our side; try again, and see the server log if it persists"
                    .to_owned()
            }
            other => other.to_string(),
        };
        let body = match (&self, field) {
            (Self::NotReady { missing, .. }, _) => json!({"error": message, "missing": missing}),
            (_, Some(field)) => json!({"error": message, "field": field}),
            (_, None) => json!({"error": message}),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        response
    }
}

/// An image the user offered is refused naming `image` (`422`); one Riff
/// could not save is its own failure.
impl From<crate::media::MediaError> for ApiError {
    fn from(error: crate::media::MediaError) -> Self {
        if error.is_users() {
            Self::invalid("image", error.to_string())
        } else {
            Self::Internal(error.to_string())
        }
    }
}

impl From<InvalidValue> for ApiError {
    fn from(e: InvalidValue) -> Self {
        Self::invalid(e.field, e.message)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::BadRequest(format!(
            "the request body is not the JSON expected: {}",
            rejection.body_text()
        ))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<ProjectionError> for ApiError {
    fn from(e: ProjectionError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<LedgerError<ProductError>> for ApiError {
    fn from(e: LedgerError<ProductError>) -> Self {
        match e {
            LedgerError::Rejected(rule) => match rule {
                ProductError::NotFound | ProductError::MediaNotFound => {
                    Self::NotFound(rule.to_string())
                }
                ProductError::AlreadyExists { .. }
                | ProductError::StaleVersion { .. }
                | ProductError::Archived
                | ProductError::FlagNotOpen { .. }
                | ProductError::MediaOrderMismatch => Self::Conflict(rule.to_string()),
                ProductError::EmptySale => Self::invalid("quantity", rule.to_string()),
                ProductError::CurrencyMismatch { .. } => Self::invalid("price", rule.to_string()),
                ProductError::Invalid(invalid) => invalid.into(),
            },
            other => other.into_api(),
        }
    }
}

impl From<LedgerError<ListingError>> for ApiError {
    fn from(e: LedgerError<ListingError>) -> Self {
        match e {
            LedgerError::Rejected(rule) => match rule {
                ListingError::NotFound => Self::NotFound(rule.to_string()),
                ListingError::Invalid(invalid) => invalid.into(),
                _ => Self::Conflict(rule.to_string()),
            },
            other => other.into_api(),
        }
    }
}

impl From<LedgerError<riff_domain::settings::SettingsError>> for ApiError {
    fn from(e: LedgerError<riff_domain::settings::SettingsError>) -> Self {
        match e {
            LedgerError::Rejected(rule) => Self::Conflict(rule.to_string()),
            other => other.into_api(),
        }
    }
}

impl<E: std::error::Error> LedgerError<E> {
    /// The parts of a ledger error that do not depend on the aggregate.
    fn into_api(self) -> ApiError {
        match self {
            Self::Busy => ApiError::Busy(self.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
