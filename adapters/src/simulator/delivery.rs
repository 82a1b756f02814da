//! Webhook delivery from a simulator, as the platforms do it: a POST from a
//! background task, retried a few times when the receiver does not answer
//! 2xx, and then given up with a log line. The platforms retry for hours
//! (Shopify 8 times over 4 hours, §3.5; eBay "will attempt redelivery",
//! §1.11); the simulator keeps the shape, not the hours, so tests stay quick.
//!
//! Every attempt of one delivery sends the same bytes and headers, so a
//! receiver sees a retry exactly as it would see the platform's.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Attempts in all, the first included.
const ATTEMPTS: u32 = 4;

/// The pause after the first failed attempt; doubled after each one.
const FIRST_PAUSE: Duration = Duration::from_millis(100);

/// Shopify wants an answer within five seconds (§3.5); a receiver slower
/// than that counts as a failed attempt.
const TIMEOUT: Duration = Duration::from_secs(5);

/// One webhook, ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    /// Which simulator sends it, for the logs.
    pub(crate) platform: &'static str,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

/// Sends `delivery` from a background task on the current Tokio runtime.
/// Called outside one (a simulator driven from plain synchronous code), it
/// logs and sends nothing: a simulator control must never panic.
pub(crate) fn send(delivery: Delivery) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(attempt_all(delivery));
        }
        Err(_) => tracing::warn!(
            platform = delivery.platform,
            url = %delivery.url,
            "no Tokio runtime to deliver the webhook from; it was not sent"
        ),
    }
}

async fn attempt_all(delivery: Delivery) {
    let client = match reqwest::Client::builder().timeout(TIMEOUT).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(platform = delivery.platform, %error, "cannot build a webhook client");
            return;
        }
    };
    let headers = header_map(&delivery);
    let mut pause = FIRST_PAUSE;
    for attempt in 1..=ATTEMPTS {
        let outcome = client
            .post(&delivery.url)
            .headers(headers.clone())
            .body(delivery.body.clone())
            .send()
            .await;
        let failure = match outcome {
            Ok(response) if response.status().is_success() => return,
            Ok(response) => format!("HTTP {}", response.status()),
            Err(error) => error.to_string(),
        };
        tracing::warn!(
            platform = delivery.platform,
            url = %delivery.url,
            attempt,
            %failure,
            "webhook delivery failed"
        );
        if attempt < ATTEMPTS {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
    tracing::error!(
        platform = delivery.platform,
        url = %delivery.url,
        "webhook given up after {ATTEMPTS} attempts"
    );
}

/// The delivery's headers; one that cannot be a header value is left out
/// and logged, rather than failing the whole delivery.
fn header_map(delivery: &Delivery) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in &delivery.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                map.insert(name, value);
            }
            _ => tracing::warn!(
                platform = delivery.platform,
                header = name,
                "unsendable webhook header"
            ),
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use axum::http::StatusCode;
    use axum::routing::post;
    use axum::Router;
    use tokio::sync::mpsc;

    use super::*;

    #[tokio::test]
    async fn a_receiver_that_fails_twice_gets_the_same_delivery_a_third_time() {
        let calls = Arc::new(AtomicU32::new(0));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let counter = Arc::clone(&calls);
        let router = Router::new().route(
            "/hook",
            post(
                move |headers: axum::http::HeaderMap, body: String| async move {
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    let _ = tx.send((n, headers.get("x-id").cloned(), body));
                    if n < 3 {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                },
            ),
        );
        let base = crate::simulator::spawn(router, "receiver").await.unwrap();

        send(Delivery {
            platform: "test",
            url: format!("{base}/hook"),
            headers: vec![("X-Id", "delivery-1".into())],
            body: b"{\"sold\":true}".to_vec(),
        });

        for expected in 1..=3 {
            let (n, id, body) = rx.recv().await.unwrap();
            assert_eq!(n, expected);
            assert_eq!(id.unwrap(), "delivery-1");
            assert_eq!(body, "{\"sold\":true}");
        }
    }

    #[test]
    fn outside_a_runtime_a_delivery_is_dropped_without_panicking() {
        send(Delivery {
            platform: "test",
            url: "http://127.0.0.1:9/hook".into(),
            headers: Vec::new(),
            body: Vec::new(),
        });
    }
}
