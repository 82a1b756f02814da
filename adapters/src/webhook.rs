//! What the three webhook checks share: why a delivery was refused.
//!
//! Each platform proves a delivery differently (`docs/wire-formats.md`
//! §1.11, §2.7, §3.5): Shopify signs the body with HMAC-SHA256, eBay signs a
//! timestamp with MD5 over the app's keys, and Reverb signs nothing, so the
//! secret travels in the URL. The checks live beside each platform
//! ([`crate::shopify::webhook`], [`crate::reverb::webhook`],
//! [`crate::ebay::webhook`]); all are pure functions over the bytes that
//! arrived, and all refuse with a [`WebhookError`]. The receiving handler
//! answers any of them with 401 (or 400 for [`WebhookError::Malformed`]) and
//! never acts on the body.

use chrono::{DateTime, Utc};

/// Why a webhook delivery was refused. None of these is worth a retry by
/// Riff: the platform retries deliveries it saw refused, and a forged one
/// should stay refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The header or element carrying the signature is absent: the request
    /// did not come from the platform, or a proxy stripped it.
    #[error("the webhook has no {0}; it was not sent by the platform, or a proxy removed it")]
    MissingSignature(&'static str),
    /// The signature (or Reverb's URL token) does not match the secret Riff
    /// holds: a forgery, a tampered body, or a secret rotated on one side
    /// only.
    #[error(
        "the {0} webhook's signature does not match; check that Riff has the same secret as the platform"
    )]
    BadSignature(&'static str),
    /// eBay signs only a timestamp, so an old notification replayed would
    /// verify; eBay's guide says to refuse one more than ten minutes off.
    #[error(
        "the notification was signed at {signed_at}, more than ten minutes from now ({now}); a replay, or a clock that is wrong"
    )]
    StaleTimestamp {
        signed_at: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// The body cannot be read as the platform's format.
    #[error("the webhook body cannot be read: {0}")]
    Malformed(String),
}
