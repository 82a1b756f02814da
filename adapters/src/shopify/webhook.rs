//! Checking a Shopify webhook delivery (`docs/wire-formats.md` §3.5).
//!
//! Shopify signs the raw request body with HMAC-SHA256, keyed by the app's
//! client secret (or, for webhooks made in the admin, the key on the
//! Notifications page), and sends the digest base64-encoded in
//! `X-Shopify-Hmac-Sha256`. The check runs on the bytes as they arrived,
//! before any JSON parsing, since re-serialised JSON would not match.
//! Source: shopify.dev/docs/apps/build/webhooks/verify-deliveries ("compute
//! an HMAC digest using the SHA-256 algorithm … base64-encoded … compare";
//! header table at shopify.dev/docs/apps/build/webhooks/delivery-structure).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::webhook::WebhookError;
use crate::Secret;

/// The topic, e.g. `orders/create`.
pub const TOPIC_HEADER: &str = "X-Shopify-Topic";
/// Base64 of HMAC-SHA256 over the raw body.
pub const HMAC_HEADER: &str = "X-Shopify-Hmac-Sha256";
/// `{shop}.myshopify.com`.
pub const SHOP_DOMAIN_HEADER: &str = "X-Shopify-Shop-Domain";
/// The API version the payload is rendered in.
pub const API_VERSION_HEADER: &str = "X-Shopify-API-Version";
/// One delivery; the same on every retry of it.
pub const WEBHOOK_ID_HEADER: &str = "X-Shopify-Webhook-Id";
/// One event; the same on every delivery of it, to any subscription.
pub const EVENT_ID_HEADER: &str = "X-Shopify-Event-Id";
/// When the event happened.
pub const TRIGGERED_AT_HEADER: &str = "X-Shopify-Triggered-At";

type HmacSha256 = Hmac<Sha256>;

/// Checks that `body` was signed with `secret`, in constant time (the
/// `hmac` crate's `verify_slice`), so the comparison leaks nothing about
/// how much of a forged signature was right.
///
/// # Errors
/// [`WebhookError::MissingSignature`] without the header,
/// [`WebhookError::BadSignature`] when it is not base64 or does not match.
pub fn verify(body: &[u8], hmac_header: Option<&str>, secret: &Secret) -> Result<(), WebhookError> {
    let given = hmac_header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(WebhookError::MissingSignature(HMAC_HEADER))?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(given)
        .map_err(|_| WebhookError::BadSignature("Shopify"))?;
    mac(body, secret)
        .verify_slice(&given)
        .map_err(|_| WebhookError::BadSignature("Shopify"))
}

/// The `X-Shopify-Hmac-Sha256` value Shopify sends for `body`; the
/// simulator signs its deliveries with it.
pub(crate) fn sign(body: &[u8], secret: &Secret) -> String {
    base64::engine::general_purpose::STANDARD.encode(mac(body, secret).finalize().into_bytes())
}

fn mac(body: &[u8], secret: &Secret) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    mac
}

/// The key to drop a repeated delivery by: the event id first, because one
/// event reaches Riff once per subscription and each delivery of it has its
/// own webhook id; the webhook id when an older API version sends no event
/// id. Source: shopify.dev/docs/apps/build/webhooks/ignore-duplicates.
pub fn delivery_id(event_id: Option<&str>, webhook_id: Option<&str>) -> Option<String> {
    [event_id, webhook_id]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|id| !id.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "shpss_riff-webhook-secret";
    const BODY: &[u8] = br##"{"id":4439976804396,"name":"#1024","line_items":[{"product_id":8332936610007,"sku":"RIFF-10000123","quantity":1}]}"##;
    /// Computed once, outside Rust, with
    /// `openssl dgst -sha256 -hmac 'shpss_riff-webhook-secret' -binary | base64`
    /// over `BODY`, so this test cannot agree with a wrong implementation.
    const BODY_HMAC: &str = "7x/Sm6nrIN39gOFNc8eaPqHDUg0fx1MroluIRd9P1fs=";

    fn secret() -> Secret {
        Secret::new(SECRET)
    }

    #[test]
    fn a_body_signed_with_the_shared_secret_verifies_against_a_fixed_openssl_digest() {
        assert_eq!(sign(BODY, &secret()), BODY_HMAC);
        assert_eq!(verify(BODY, Some(BODY_HMAC), &secret()), Ok(()));
    }

    #[test]
    fn a_signature_computed_independently_with_hmac_verifies() {
        let mut mac = HmacSha256::new_from_slice(b"another secret").unwrap();
        mac.update(b"{}");
        let header = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(
            verify(b"{}", Some(&header), &Secret::new("another secret")),
            Ok(())
        );
    }

    #[test]
    fn a_delivery_signed_with_another_secret_is_refused() {
        assert_eq!(
            verify(BODY, Some(BODY_HMAC), &Secret::new("shpss_someone-else")),
            Err(WebhookError::BadSignature("Shopify"))
        );
    }

    #[test]
    fn a_delivery_without_the_hmac_header_is_refused_naming_it() {
        assert_eq!(
            verify(BODY, None, &secret()),
            Err(WebhookError::MissingSignature(HMAC_HEADER))
        );
        assert_eq!(
            verify(BODY, Some("  "), &secret()),
            Err(WebhookError::MissingSignature(HMAC_HEADER))
        );
    }

    #[test]
    fn a_tampered_body_or_a_garbled_header_is_refused() {
        let tampered = String::from_utf8_lossy(BODY).replace("\"quantity\":1", "\"quantity\":2");
        assert_eq!(
            verify(tampered.as_bytes(), Some(BODY_HMAC), &secret()),
            Err(WebhookError::BadSignature("Shopify"))
        );
        assert_eq!(
            verify(BODY, Some("not base64!"), &secret()),
            Err(WebhookError::BadSignature("Shopify"))
        );
    }

    #[test]
    fn the_event_id_is_preferred_to_the_webhook_id_for_dropping_repeats() {
        assert_eq!(delivery_id(Some("ev-1"), Some("wh-1")), Some("ev-1".into()));
        assert_eq!(delivery_id(None, Some("wh-1")), Some("wh-1".into()));
        assert_eq!(delivery_id(Some(""), Some("wh-1")), Some("wh-1".into()));
        assert_eq!(delivery_id(None, None), None);
    }
}
