//! [`DropboxError`]: every way a Dropbox call fails, each saying what to do.

use std::time::Duration;

use riff_domain::port::PortError;

/// Why a Dropbox call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DropboxError {
    /// The access token was refused and could not be refreshed, or the
    /// refresh token itself was refused (§5.4, §5.5).
    #[error(
        "Dropbox refused Riff's credentials ({0}); check DROPBOX_ACCESS_TOKEN, or set \
         DROPBOX_REFRESH_TOKEN with DROPBOX_APP_KEY and DROPBOX_APP_SECRET so an expired \
         token is refreshed"
    )]
    Auth(String),
    /// A 409 `path/not_found` (§5.4): the folder or file is not there.
    #[error("Dropbox has nothing at {path:?}; check the product's media folder")]
    NotFound { path: String },
    /// A 429 (§5.4), with the pause Dropbox asked for.
    #[error("Dropbox is limiting Riff's calls; try again after {retry_after:?}")]
    RateLimited { retry_after: Option<Duration> },
    /// Dropbox could not be reached, or failed (5xx); worth another try.
    #[error("Dropbox could not be reached or failed ({0}); try again later")]
    Transient(String),
    /// Any other 409 (§5.4): Dropbox understood and refused, for example
    /// `path/not_folder` or `unsupported_file`.
    #[error("Dropbox refused the request: {summary}")]
    Refused { summary: String },
    /// A response Riff cannot read, or a request Dropbox could not (400).
    #[error("Dropbox sent a response Riff cannot read ({0}); this is a bug in Riff or a change at Dropbox")]
    Protocol(String),
}

impl DropboxError {
    /// Whether the same call may pass if made again unchanged.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Transient(_))
    }
}

/// For callers that report through the port's error classes; also lets
/// [`crate::http::RetryPolicy::delay`] read a rate limit's pause.
impl From<DropboxError> for PortError {
    fn from(error: DropboxError) -> Self {
        match error {
            DropboxError::Auth(message) => PortError::Auth(message),
            DropboxError::NotFound { .. } => PortError::NotFound,
            DropboxError::RateLimited { retry_after } => PortError::RateLimited { retry_after },
            DropboxError::Transient(message) => PortError::Transient(message),
            error @ DropboxError::Refused { .. } => PortError::Validation {
                field: None,
                message: error.to_string(),
            },
            DropboxError::Protocol(message) => PortError::Protocol(message),
        }
    }
}
