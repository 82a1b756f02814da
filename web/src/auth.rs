//! The API's bearer token.
//!
//! Riff keeps only the token's SHA-256 digest. A token set in
//! `RIFF_API_TOKEN` is digested at start-up; otherwise one is generated on
//! first run, printed once, and its digest kept in the database. A 256-bit
//! random token needs no slow password hash: guessing it is hopeless.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use riff_projections::{Db, ProjectionError};
use sha2::{Digest, Sha256};

use crate::config::Secret;
use crate::error::ApiError;

const SETTING: &str = "api_token_sha256";

/// The digest requests are checked against.
pub struct ApiToken {
    digest: [u8; 32],
}

impl ApiToken {
    fn from_token(token: &str) -> Self {
        Self {
            digest: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// The configured token, or the one kept in the database, or a new one.
    /// Returns the token text too when it was just generated, for the
    /// caller to show once.
    ///
    /// # Errors
    /// The database could not be read or written.
    pub async fn load(
        configured: Option<&Secret>,
        db: &Db,
    ) -> Result<(Self, Option<String>), ProjectionError> {
        if let Some(token) = configured {
            return Ok((Self::from_token(token.expose()), None));
        }
        if let Some(hex) = db.setting(SETTING).await? {
            if let Some(token) = Self::from_hex(&hex) {
                return Ok((token, None));
            }
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = to_hex(&bytes);
        let fresh = Self::from_token(&token);
        let stored = db
            .setting_or_insert(SETTING, &to_hex(&fresh.digest))
            .await?;
        // Another process may have generated one first: theirs stands.
        match Self::from_hex(&stored) {
            Some(winner) if winner.digest != fresh.digest => Ok((winner, None)),
            _ => Ok((fresh, Some(token))),
        }
    }

    fn from_hex(hex: &str) -> Option<Self> {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        Some(Self {
            digest: bytes.try_into().ok()?,
        })
    }

    /// Compares digests in constant time, so response timing says nothing
    /// about how close a guess was.
    pub fn accepts(&self, token: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        given
            .iter()
            .zip(self.digest.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The credentials of an `Authorization: Bearer <token>` value. The scheme
/// is matched ignoring case (RFC 9110 §11.1: `bearer` and `BEARER` are the
/// same scheme), and any spaces may separate it from the token.
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim_start_matches(' '))
}

/// Lets a request through only with `Authorization: Bearer <token>`.
pub async fn require_token(
    State(token): State<Arc<ApiToken>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_credentials);
    match presented {
        Some(presented) if token.accepts(presented.trim()) => next.run(request).await,
        _ => ApiError::Unauthorized.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_matched_ignoring_case() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR  abc"] {
            assert_eq!(bearer_credentials(value), Some("abc"), "{value}");
        }
        for value in ["Basic abc", "Bearerabc", "abc", "Bearer_abc"] {
            assert_eq!(bearer_credentials(value), None, "{value}");
        }
    }

    #[test]
    fn only_the_token_itself_is_accepted() {
        let token = ApiToken::from_token("s3cret");
        assert!(token.accepts("s3cret"));
        assert!(!token.accepts("s3cret "));
        assert!(!token.accepts(""));
    }

    #[test]
    fn a_digest_survives_its_hex_form() {
        let token = ApiToken::from_token("abc");
        let back = ApiToken::from_hex(&to_hex(&token.digest)).unwrap();
        assert!(back.accepts("abc"));
        assert!(ApiToken::from_hex("zz").is_none());
    }
}
