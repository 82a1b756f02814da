//! Checking a Reverb webhook delivery (`docs/wire-formats.md` §2.7).
//!
//! Reverb signs nothing. Its guide says: "Webhooks will eventually contain a
//! header with an HMAC signature … For now … register your webhooks at a
//! secret url" (reverb-api.com/docs/receive-updates-with-webhooks). So Riff
//! registers `…/webhooks/reverb/{token}` and the only proof a delivery came
//! from Reverb is that it knew the token. Reverb sends no delivery id
//! either; its body is the plain order or listing JSON.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::webhook::WebhookError;
use crate::Secret;

/// Checks the token from the URL path against Riff's, in constant time.
/// Both sides are hashed first, so the comparison is between two 32-byte
/// digests and does not even reveal the token's length.
///
/// # Errors
/// [`WebhookError::MissingSignature`] for an empty token,
/// [`WebhookError::BadSignature`] for a wrong one.
pub fn verify_token(given: &str, secret: &Secret) -> Result<(), WebhookError> {
    if given.is_empty() {
        return Err(WebhookError::MissingSignature("token in the webhook URL"));
    }
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(secret.expose().as_bytes());
    if bool::from(given.as_slice().ct_eq(expected.as_slice())) {
        Ok(())
    } else {
        Err(WebhookError::BadSignature("Reverb"))
    }
}

/// The key to drop a repeated delivery by: hex SHA-256 of the body. Reverb
/// gives no id, and a redelivery carries the same JSON, so an identical body
/// is the same delivery; an order that changed (shipped, refunded) renders
/// differently and is rightly a new one.
pub fn delivery_id(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_riff_registered_is_accepted() {
        let secret = Secret::new("a1b2c3d4e5");
        assert_eq!(verify_token("a1b2c3d4e5", &secret), Ok(()));
    }

    #[test]
    fn a_wrong_shorter_or_empty_token_is_refused() {
        let secret = Secret::new("a1b2c3d4e5");
        assert_eq!(
            verify_token("a1b2c3d4e6", &secret),
            Err(WebhookError::BadSignature("Reverb"))
        );
        assert_eq!(
            verify_token("a1b2", &secret),
            Err(WebhookError::BadSignature("Reverb"))
        );
        assert_eq!(
            verify_token("", &secret),
            Err(WebhookError::MissingSignature("token in the webhook URL"))
        );
    }

    #[test]
    fn the_delivery_id_is_the_bodys_sha256_so_a_repeat_has_the_same_one() {
        // Computed once with `printf '%s' BODY | openssl dgst -sha256`.
        let body = br#"{"order_number":"1000001"}"#;
        assert_eq!(
            delivery_id(body),
            "bf07d2a7626f77f540d39c36c6a784e80c07603da87e904e01f1ac1210b15307"
        );
        assert_ne!(
            delivery_id(body),
            delivery_id(br#"{"order_number":"1000002"}"#)
        );
    }
}
