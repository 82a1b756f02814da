//! The Delivery aggregate: one webhook delivery from a marketplace, kept as
//! it arrived.
//!
//! A delivery is named by its platform and the platform's delivery id, so a
//! platform that delivers the same notification twice (they all retry) finds
//! it already recorded: the second append is refused and nothing happens
//! twice. What the delivery means is decided by the reconcile it triggers,
//! which reads the platform's own current state rather than trusting a
//! message that may be stale or out of order.

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::value::Platform;

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

impl DomainEvent for DeliveryEvent {
    fn event_type(&self) -> String {
        "WebhookReceived".to_owned()
    }

    fn event_version(&self) -> String {
        "1.0.0".to_owned()
    }
}

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
    #[error("this delivery was received before")]
    AlreadyReceived,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub received: bool,
}

impl Delivery {
    pub fn id(platform: Platform, delivery_id: &str) -> String {
        format!("{platform}:{delivery_id}")
    }
}

impl Aggregate for Delivery {
    const TYPE: &'static str = "delivery";
    type Command = Receive;
    type Event = DeliveryEvent;
    type Error = DeliveryError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        if self.received {
            return Err(DeliveryError::AlreadyReceived);
        }
        let Receive {
            platform,
            delivery_id,
            topic,
            body,
            received_at,
        } = command;
        sink.write(
            DeliveryEvent::WebhookReceived {
                platform,
                delivery_id,
                topic,
                body,
                received_at,
            },
            self,
        )
        .await;
        Ok(())
    }

    fn apply(&mut self, _: Self::Event) {
        self.received = true;
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use cqrs_es::test::TestFramework;

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
        TestFramework::<Delivery>::with(())
            .given_no_previous_events()
            .when(r.clone())
            .then_expect_events(vec![DeliveryEvent::WebhookReceived {
                platform: r.platform,
                delivery_id: r.delivery_id,
                topic: r.topic,
                body: r.body,
                received_at: r.received_at,
            }]);
    }

    #[test]
    fn a_repeated_delivery_is_refused() {
        let r = receive();
        TestFramework::<Delivery>::with(())
            .given(vec![DeliveryEvent::WebhookReceived {
                platform: r.platform,
                delivery_id: r.delivery_id.clone(),
                topic: None,
                body: String::new(),
                received_at: r.received_at,
            }])
            .when(r)
            .then_expect_error(DeliveryError::AlreadyReceived);
    }
}
