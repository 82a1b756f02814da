//! A webhook delivery from a marketplace, kept as it arrived.
//!
//! A delivery is named by its platform and the platform's delivery id, so a
//! platform that delivers the same notification twice (they all retry) finds
//! it already recorded: the second append is refused and nothing happens
//! twice. What the delivery means is decided by the reconcile it triggers,
//! which reads the platform's own current state rather than trusting a
//! message that may be stale or out of order.
//!
//! A delivery is an aggregate with exactly one event, `WebhookReceived`, at
//! sequence [`Delivery::FIRST_SEQUENCE`]. Its only state is whether that
//! event exists, and the log's key (aggregate type, id, sequence) already
//! answers that: the ledger appends [`Delivery::receive`]'s event with one
//! insert and reads "already received" from a key violation, instead of
//! loading and folding the aggregate first. That keeps the webhook's
//! answer to one round trip to the database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::decide::domain_event;
use crate::value::{text, Platform};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryEvent {
    WebhookReceived {
        platform: Platform,
        delivery_id: String,
        /// What the platform says happened (`orders/create`,
        /// `FixedPriceTransaction`, …), when it says.
        topic: Option<String>,
        /// The body exactly as received, for the audit history.
        body: String,
        received_at: DateTime<Utc>,
    },
}

domain_event!(DeliveryEvent { WebhookReceived });

/// A verified delivery, to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receive {
    pub platform: Platform,
    pub delivery_id: String,
    pub topic: Option<String>,
    pub body: String,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The log holds this delivery already; the platform retried it.
    #[error("this delivery was received before")]
    AlreadyReceived,
}

/// The Delivery aggregate's name, identity and decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery;

impl Delivery {
    /// The `aggregate_type` of a delivery's events in the log.
    pub const TYPE: &'static str = "delivery";

    /// The sequence of a delivery's one event: the first, as cqrs-es numbers
    /// them. A second append at this sequence is the repeated delivery.
    pub const FIRST_SEQUENCE: i64 = 1;

    /// The aggregate id: one per platform and delivery id (its
    /// [`text::key`], so that any id the platform sends fits the log's key).
    pub fn id(platform: Platform, delivery_id: &str) -> String {
        format!("{platform}:{}", text::key(delivery_id))
    }

    /// The decision for a delivery not received before: it is recorded as
    /// it arrived, whatever it says, made fit for the log — a platform that
    /// is refused sends again forever. Its id becomes a [`text::key`] (it
    /// names the aggregate, so it must fit the log's primary key: an id too
    /// long is hashed), its topic is [`text::sanitized`], and each NUL in
    /// its body becomes U+FFFD (PostgreSQL's `jsonb` cannot hold one; the
    /// body is text already, with invalid UTF-8 replaced the same way). A
    /// delivery received before is refused by the log's key, not here
    /// ([`DeliveryError::AlreadyReceived`]).
    pub fn receive(command: Receive) -> DeliveryEvent {
        let Receive {
            platform,
            delivery_id,
            topic,
            body,
            received_at,
        } = command;
        DeliveryEvent::WebhookReceived {
            platform,
            delivery_id: text::key(&delivery_id),
            topic: topic.map(|t| text::sanitized(&t, text::MAX_ID)),
            body: if body.contains('\0') {
                body.replace('\0', "\u{FFFD}")
            } else {
                body
            },
            received_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use cqrs_es::DomainEvent as _;

    use super::*;

    fn receive() -> Receive {
        Receive {
            platform: Platform::Shopify,
            delivery_id: "b54557e4".into(),
            topic: Some("orders/create".into()),
            body: "{}".into(),
            received_at: Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap(),
        }
    }

    #[test]
    fn a_delivery_is_recorded_as_it_arrived() {
        let r = receive();
        assert_eq!(
            Delivery::receive(r.clone()),
            DeliveryEvent::WebhookReceived {
                platform: r.platform,
                delivery_id: r.delivery_id,
                topic: r.topic,
                body: r.body,
                received_at: r.received_at,
            }
        );
    }

    #[test]
    fn a_delivery_is_named_by_its_platform_and_delivery_id() {
        assert_eq!(
            Delivery::id(Platform::Shopify, "b54557e4"),
            "shopify:b54557e4"
        );
        assert_ne!(
            Delivery::id(Platform::Shopify, "1"),
            Delivery::id(Platform::Reverb, "1")
        );
    }

    #[test]
    fn a_delivery_id_too_long_to_index_is_hashed_and_nul_in_the_body_replaced() {
        let long = "9".repeat(3000);
        let event = Delivery::receive(Receive {
            delivery_id: long.clone(),
            body: "{\"a\": \"x\u{0}y\"}".into(),
            ..receive()
        });
        let DeliveryEvent::WebhookReceived {
            delivery_id, body, ..
        } = event;
        assert!(delivery_id.starts_with("sha256:") && delivery_id.len() == 71);
        assert_eq!(body, "{\"a\": \"x\u{FFFD}y\"}");
        let id = Delivery::id(Platform::Shopify, &long);
        assert_eq!(id, format!("shopify:{delivery_id}"));
        assert_eq!(
            id,
            Delivery::id(Platform::Shopify, &long),
            "a resend is the same delivery"
        );
    }

    /// The payload's shape is what the log holds and the readers decode:
    /// the ledger writes it without cqrs-es, so pin it here.
    #[test]
    fn the_event_is_stored_in_the_shape_cqrs_es_stores() {
        let event = Delivery::receive(receive());
        let payload = serde_json::to_value(&event).unwrap();
        assert_eq!(payload["WebhookReceived"]["delivery_id"], "b54557e4");
        assert_eq!(payload["WebhookReceived"]["platform"], "shopify");
        assert_eq!(event.event_type(), "WebhookReceived");
        assert_eq!(event.event_version(), "1.0.0");
    }
}
