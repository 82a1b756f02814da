//! Checking an eBay Platform Notification (`docs/wire-formats.md` §1.11).
//!
//! eBay POSTs a SOAP 1.1 envelope whose body is the response of the call
//! the event corresponds to (`GetItemTransactionsResponse` for
//! `FixedPriceTransaction`), with a `SOAPAction` header ending in the event
//! name. The proof it came from eBay is `NotificationSignature` in the SOAP
//! header: base64 of the raw MD5 of the body's `Timestamp` text followed by
//! the app's DevId, AppId and CertId. Sources:
//! developer.ebay.com/api-docs/static/platform-notifications-landing.html,
//! "SOAP Message Header: Notification Signature" (`eBayTime + DevId + AppId +
//! CertId`, "Base64-encoded", "check to make sure that the value of eBayTime
//! is within 10 minutes of the actual time in GMT") and "HTTP Header"
//! (`SOAPACTION: "HTTPS://developer.ebay.com/notification/EndOfAuction"`);
//! KB 1201 developer.ebay.com/support/kb-article?KBid=1201, whose PHP is
//! `base64_encode(pack("H*", md5($ts.$devid.$appid.$certid)))`.
//!
//! The signature covers the timestamp only, not the body: anyone holding
//! one genuine notification could attach its header and timestamp to a body
//! of their own making within those ten minutes. Treat a verified
//! notification as a hint to look, never as the sale itself: the sync
//! engine confirms with a scan (GetOrders) before acting, as eBay's
//! guide also advises ("use API calls to confirm the data received").

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use md5::{Digest as _, Md5};
use quick_xml::events::Event;
use quick_xml::Reader;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::webhook::WebhookError;
use crate::Secret;

/// The HTTP header naming the event, e.g.
/// `"https://developer.ebay.com/notification/FixedPriceTransaction"`.
pub const SOAP_ACTION_HEADER: &str = "SOAPAction";

/// How far a notification's `Timestamp` may be from now, either way.
const MAX_SKEW: Duration = Duration::minutes(10);

/// The application keyset eBay signs notifications with: the production
/// (or sandbox) DevId, AppId and CertId from the developer account's
/// "Application Keys" page, as plain strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EbayNotifyIds {
    pub dev_id: Secret,
    pub app_id: Secret,
    /// eBay also calls this the client secret.
    pub cert_id: Secret,
}

/// What a verified notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EbayNotification {
    /// The body's `NotificationEventName` (`FixedPriceTransaction`,
    /// `ItemSold`, …); when absent, the payload element's name, such as
    /// `GetItemTransactionsResponse`.
    pub event_name: String,
    /// The body's `Timestamp`, which the signature covers.
    pub timestamp: DateTime<Utc>,
    /// Every `ItemID` in the payload, in order, once each.
    pub item_ids: Vec<String>,
    /// The key to drop a repeated delivery by. For a notification about
    /// order lines it is the event name with the items' and transactions'
    /// ids, which stay the same when eBay redelivers; the body itself may
    /// not, as its `Timestamp` is the time of sending and the signature is
    /// made over it. Otherwise it is the hex SHA-256 of the body.
    pub delivery_id: String,
}

/// Checks the signature and the freshness of a notification, then reads
/// the few fields Riff needs.
///
/// # Errors
/// [`WebhookError::Malformed`] for a body that is not a complete SOAP
/// envelope with a `Timestamp` (a truncated one included),
/// [`WebhookError::MissingSignature`] without `NotificationSignature`,
/// [`WebhookError::BadSignature`] when it does not match the keyset, and
/// [`WebhookError::StaleTimestamp`] when the timestamp is more than ten
/// minutes from `now`.
pub fn verify(
    body: &[u8],
    ids: &EbayNotifyIds,
    now: DateTime<Utc>,
) -> Result<EbayNotification, WebhookError> {
    let envelope = Envelope::read(body)?;
    let raw_timestamp = envelope
        .timestamp
        .ok_or_else(|| WebhookError::Malformed("the notification has no Timestamp".into()))?;
    let signature = envelope
        .signature
        .ok_or(WebhookError::MissingSignature("NotificationSignature"))?;
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .map_err(|_| WebhookError::BadSignature("eBay"))?;
    let expected = digest(&raw_timestamp, ids);
    if !bool::from(given.as_slice().ct_eq(expected.as_slice())) {
        return Err(WebhookError::BadSignature("eBay"));
    }
    let timestamp = DateTime::parse_from_rfc3339(&raw_timestamp)
        .map_err(|e| WebhookError::Malformed(format!("Timestamp {raw_timestamp:?}: {e}")))?
        .with_timezone(&Utc);
    if (now - timestamp).abs() > MAX_SKEW {
        return Err(WebhookError::StaleTimestamp {
            signed_at: timestamp,
            now,
        });
    }
    let event_name = envelope
        .event_name
        .or(envelope.payload)
        .ok_or_else(|| WebhookError::Malformed("the SOAP body is empty".into()))?;
    let delivery_id = if envelope.transaction_ids.is_empty() {
        hex::encode(Sha256::digest(body))
    } else {
        format!(
            "{event_name}:{}:{}",
            envelope.item_ids.join(","),
            envelope.transaction_ids.join(",")
        )
    };
    Ok(EbayNotification {
        event_name,
        timestamp,
        item_ids: envelope.item_ids,
        delivery_id,
    })
}

/// The items a notification Riff has already verified names, for a look
/// at them: read again from the recorded body, which verified once is not
/// verified twice (its timestamp is old by now). Nothing for a body that
/// does not parse.
pub fn named_items(body: &[u8]) -> Vec<String> {
    Envelope::read(body).map_or_else(|_| Vec::new(), |envelope| envelope.item_ids)
}

/// The event named by a `SOAPAction` header: the last path segment, without
/// the quotes eBay puts around the URL.
pub fn soap_action_event(header: &str) -> Option<&str> {
    header
        .trim()
        .trim_matches('"')
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
}

/// The `NotificationSignature` eBay sends for this `Timestamp` text; the
/// simulator signs its notifications with it.
pub(crate) fn sign(timestamp: &str, ids: &EbayNotifyIds) -> String {
    base64::engine::general_purpose::STANDARD.encode(digest(timestamp, ids))
}

fn digest(timestamp: &str, ids: &EbayNotifyIds) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(ids.dev_id.expose().as_bytes());
    md5.update(ids.app_id.expose().as_bytes());
    md5.update(ids.cert_id.expose().as_bytes());
    md5.finalize().into()
}

/// The parts of the envelope Riff reads, by local name, so that the
/// `soapenv:`/`ebl:` prefixes (or KB 1337's older `ebay:` one) do not
/// matter.
#[derive(Debug, Default)]
struct Envelope {
    signature: Option<String>,
    /// The name of the first element in the SOAP body.
    payload: Option<String>,
    timestamp: Option<String>,
    event_name: Option<String>,
    item_ids: Vec<String>,
    transaction_ids: Vec<String>,
}

impl Envelope {
    /// Walks the document once. Where a value sits is told by the path of
    /// local names above it: `Envelope/Header/…/NotificationSignature`,
    /// `Envelope/Body/{payload}/Timestamp`, and any `ItemID` or
    /// `TransactionID` under the payload.
    fn read(body: &[u8]) -> Result<Self, WebhookError> {
        let text = std::str::from_utf8(body)
            .map_err(|e| WebhookError::Malformed(format!("not UTF-8: {e}")))?;
        let mut reader = Reader::from_str(text);
        let mut path: Vec<String> = Vec::new();
        let mut envelope = Self::default();
        let mut saw_root = false;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| WebhookError::Malformed(format!("XML: {e}")))?;
            match event {
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    if path.is_empty() {
                        if saw_root || name != "Envelope" {
                            return Err(WebhookError::Malformed(format!(
                                "expected one SOAP Envelope, found <{name}>"
                            )));
                        }
                        saw_root = true;
                    }
                    if path.len() == 2 && path[1] == "Body" && envelope.payload.is_none() {
                        envelope.payload = Some(name.clone());
                    }
                    path.push(name);
                }
                Event::End(_) => {
                    path.pop();
                }
                Event::Text(text) => {
                    let value = text
                        .unescape()
                        .map_err(|e| WebhookError::Malformed(format!("XML text: {e}")))?;
                    envelope.take(&path, value.trim());
                }
                Event::CData(data) => {
                    let value = String::from_utf8_lossy(&data).into_owned();
                    envelope.take(&path, value.trim());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !saw_root || !path.is_empty() {
            return Err(WebhookError::Malformed(
                "the SOAP envelope is incomplete".into(),
            ));
        }
        Ok(envelope)
    }

    fn take(&mut self, path: &[String], value: &str) {
        if value.is_empty() {
            return;
        }
        let in_part = |part: &str| path.get(1).is_some_and(|p| p == part);
        let Some(last) = path.last().map(String::as_str) else {
            return;
        };
        match last {
            "NotificationSignature" if in_part("Header") => {
                self.signature = Some(value.to_owned());
            }
            "Timestamp" if in_part("Body") && path.len() == 4 => {
                self.timestamp = Some(value.to_owned());
            }
            "NotificationEventName" if in_part("Body") && path.len() == 4 => {
                self.event_name = Some(value.to_owned());
            }
            "ItemID" if in_part("Body") => push_once(&mut self.item_ids, value),
            "TransactionID" if in_part("Body") => push_once(&mut self.transaction_ids, value),
            _ => {}
        }
    }
}

fn push_once(values: &mut Vec<String>, value: &str) {
    if !values.iter().any(|v| v == value) {
        values.push(value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    const TIMESTAMP: &str = "2026-03-01T18:00:02.123Z";
    /// Computed once, outside Rust, with
    /// `printf '%s' '2026-03-01T18:00:02.123Zriff-dev-0001riff-app-0002riff-cert-0003'
    /// | openssl md5 -binary | base64`.
    const SIGNATURE: &str = "eeGA2//WFSLHDuCZao1HXw==";

    fn ids() -> EbayNotifyIds {
        EbayNotifyIds {
            dev_id: Secret::new("riff-dev-0001"),
            app_id: Secret::new("riff-app-0002"),
            cert_id: Secret::new("riff-cert-0003"),
        }
    }

    fn signed_at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 18, 0, 2).unwrap()
    }

    /// A FixedPriceTransaction notification in the shape of §1.11.
    fn notification(signature: &str, timestamp: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header>
    <ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ebl="urn:ebay:apis:eBLBaseComponents">
      <ebl:NotificationSignature xmlns:ebl="urn:ebay:apis:eBLBaseComponents">{signature}</ebl:NotificationSignature>
    </ebl:RequesterCredentials>
  </soapenv:Header>
  <soapenv:Body>
    <GetItemTransactionsResponse xmlns="urn:ebay:apis:eBLBaseComponents">
      <Timestamp>{timestamp}</Timestamp>
      <Ack>Success</Ack>
      <CorrelationID>325879185691</CorrelationID>
      <NotificationEventName>FixedPriceTransaction</NotificationEventName>
      <RecipientUserID>riff_seller</RecipientUserID>
      <Item><ItemID>110551234568</ItemID><SKU>RIFF-10000124</SKU></Item>
      <TransactionArray><Transaction>
        <TransactionID>2812345678001</TransactionID>
        <Item><ItemID>110551234568</ItemID></Item>
      </Transaction></TransactionArray>
    </GetItemTransactionsResponse>
  </soapenv:Body>
</soapenv:Envelope>"#
        )
    }

    #[test]
    fn a_notification_signed_with_the_keyset_verifies_against_a_fixed_openssl_digest() {
        assert_eq!(sign(TIMESTAMP, &ids()), SIGNATURE);
        let body = notification(SIGNATURE, TIMESTAMP);

        let verified = verify(body.as_bytes(), &ids(), signed_at()).unwrap();

        assert_eq!(verified.event_name, "FixedPriceTransaction");
        assert_eq!(
            verified.timestamp,
            signed_at() + Duration::milliseconds(123)
        );
        assert_eq!(verified.item_ids, ["110551234568"]);
        assert_eq!(
            verified.delivery_id,
            "FixedPriceTransaction:110551234568:2812345678001"
        );
    }

    #[test]
    fn a_recorded_notification_names_its_items_long_after_its_signature_went_stale() {
        let body = notification(SIGNATURE, TIMESTAMP);
        assert_eq!(named_items(body.as_bytes()), ["110551234568"]);
        assert!(named_items(b"<html>not a notification</html>").is_empty());
    }

    #[test]
    fn a_signature_computed_independently_with_md5_verifies() {
        let at = "2026-03-01T18:09:00.000Z";
        let raw = Md5::digest(format!("{at}riff-dev-0001riff-app-0002riff-cert-0003"));
        let signature = base64::engine::general_purpose::STANDARD.encode(raw);
        let body = notification(&signature, at);
        assert!(verify(body.as_bytes(), &ids(), signed_at()).is_ok());
    }

    #[test]
    fn a_notification_signed_with_another_keyset_is_refused() {
        let body = notification(SIGNATURE, TIMESTAMP);
        let mut other = ids();
        other.cert_id = Secret::new("someone-elses-cert");
        assert_eq!(
            verify(body.as_bytes(), &other, signed_at()),
            Err(WebhookError::BadSignature("eBay"))
        );
    }

    #[test]
    fn a_notification_without_a_signature_is_refused_naming_it() {
        let body = notification(SIGNATURE, TIMESTAMP).replace(
            &format!(
                "<ebl:NotificationSignature xmlns:ebl=\"urn:ebay:apis:eBLBaseComponents\">{SIGNATURE}</ebl:NotificationSignature>"
            ),
            "",
        );
        assert_eq!(
            verify(body.as_bytes(), &ids(), signed_at()),
            Err(WebhookError::MissingSignature("NotificationSignature"))
        );
    }

    #[test]
    fn a_tampered_timestamp_breaks_the_signature() {
        let body = notification(SIGNATURE, "2026-03-01T18:00:09.123Z");
        assert_eq!(
            verify(body.as_bytes(), &ids(), signed_at()),
            Err(WebhookError::BadSignature("eBay"))
        );
    }

    #[test]
    fn a_notification_more_than_ten_minutes_old_or_ahead_is_a_stale_replay() {
        let body = notification(SIGNATURE, TIMESTAMP);
        let later = signed_at() + Duration::minutes(11);
        assert_eq!(
            verify(body.as_bytes(), &ids(), later),
            Err(WebhookError::StaleTimestamp {
                signed_at: signed_at() + Duration::milliseconds(123),
                now: later
            })
        );
        let earlier = signed_at() - Duration::minutes(11);
        assert!(matches!(
            verify(body.as_bytes(), &ids(), earlier),
            Err(WebhookError::StaleTimestamp { .. })
        ));
        assert!(verify(body.as_bytes(), &ids(), signed_at() + Duration::minutes(9)).is_ok());
    }

    #[test]
    fn truncated_or_garbled_xml_is_malformed_and_never_panics() {
        let body = notification(SIGNATURE, TIMESTAMP);
        for cut in [0, 10, body.len() / 3, body.len() / 2, body.len() - 20] {
            assert!(
                matches!(
                    verify(&body.as_bytes()[..cut], &ids(), signed_at()),
                    Err(WebhookError::Malformed(_))
                ),
                "cut at {cut}"
            );
        }
        for garbage in [&b"not xml at all"[..], b"<a><b></a>", b"\xff\xfe<x/>", b""] {
            assert!(matches!(
                verify(garbage, &ids(), signed_at()),
                Err(WebhookError::Malformed(_))
            ));
        }
    }

    #[test]
    fn the_event_is_the_last_segment_of_the_soap_action() {
        assert_eq!(
            soap_action_event("\"HTTPS://developer.ebay.com/notification/EndOfAuction\""),
            Some("EndOfAuction")
        );
        assert_eq!(soap_action_event(""), None);
    }
}
