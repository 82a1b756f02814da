//! HTTP plumbing shared by the adapters: the reqwest client, how transport
//! failures map onto [`PortError`], and the bounded retry used for reads.
//!
//! Only reads are retried here. A write that timed out may have reached the
//! platform; retrying it blindly could list an item twice or end the wrong
//! one, so the effect worker decides, with the listing's history in hand.

use std::future::Future;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use riff_domain::port::PortError;

/// How long one HTTP exchange may take before it counts as a transient
/// failure. eBay's slowest calls (a 200-item GetMyeBaySelling page) answer in
/// a few seconds; a minute means something is wrong.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds the client every adapter uses: rustls, a timeout, and a user agent
/// that names Riff in the platform's logs.
///
/// # Errors
/// Only if the TLS backend cannot start, which is a broken build.
pub fn client() -> Result<reqwest::Client, PortError> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("riff/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| PortError::Transient(format!("could not build the HTTP client: {e}")))
}

/// An answer read to its end.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) text: String,
}

/// Sends `request` and reads its answer to the end; what the answer says
/// is the caller's to read.
///
/// # Errors
/// The transport failure, when the request cannot be sent or its answer
/// cannot be read, as `transport` maps it onto the caller's own errors
/// (for a marketplace, [`transport_error`]).
pub(crate) async fn exchange<E>(
    request: reqwest::RequestBuilder,
    transport: impl Fn(&reqwest::Error) -> E,
) -> Result<Reply, E> {
    let response = request.send().await.map_err(|e| transport(&e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.map_err(|e| transport(&e))?;
    Ok(Reply {
        status,
        headers,
        text,
    })
}

/// Maps a failure to send or receive onto the port's error classes. Every
/// transport failure (timeout, refused connection, reset) may pass.
pub fn transport_error(error: &reqwest::Error) -> PortError {
    PortError::Transient(error.to_string())
}

/// Maps an HTTP status that is not a success onto the port's error classes:
/// 429 is a rate limit (with the `Retry-After` it carries), 5xx is
/// transient, and anything else is a response we did not expect.
pub fn status_error(status: StatusCode, headers: &HeaderMap) -> PortError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        PortError::RateLimited {
            retry_after: retry_after(headers),
        }
    } else if status.is_server_error() {
        PortError::Transient(format!("HTTP {status}"))
    } else {
        PortError::Protocol(format!("unexpected HTTP {status}"))
    }
}

/// Reads `Retry-After` in its delay-seconds form. The HTTP-date form is not
/// used by the platforms Riff talks to; it reads as absent, and the back-off
/// applies instead.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// How a read is retried: a bounded number of attempts, exponential back-off
/// from `base`, and a ceiling that also caps a platform's `Retry-After`, so
/// a scan can never stall for longer than `max_delay` per attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub attempts: u32,
    /// The pause before the second attempt; doubled for each one after.
    pub base: Duration,
    /// The longest pause, whatever the back-off or `Retry-After` says.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts. Without `Retry-After` the pauses are 0.5, 1, 2 and 4
    /// seconds, enough for a blip; a platform that names a longer pause gets
    /// up to 30 seconds per attempt, so a read gives up within two minutes
    /// and the caller's own schedule takes over.
    fn default() -> Self {
        Self {
            attempts: 5,
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No pauses at all, for tests against the simulator, where waiting
    /// proves nothing and would slow the suite.
    pub fn immediate(attempts: u32) -> Self {
        Self {
            attempts,
            base: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The pause after failed attempt number `attempt` (1-based): the
    /// platform's `Retry-After` when it gave one, else the back-off, capped.
    pub fn delay(&self, attempt: u32, error: &PortError) -> Duration {
        let backoff = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let wanted = match error {
            PortError::RateLimited {
                retry_after: Some(after),
            } => *after,
            _ => backoff,
        };
        wanted.min(self.max_delay)
    }

    /// Runs `op` until it succeeds, fails with an error that is not worth
    /// retrying, or runs out of attempts; the last error is returned.
    ///
    /// # Errors
    /// The error of the last attempt.
    pub async fn run<T, F, Fut>(&self, mut op: F) -> Result<T, PortError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, PortError>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Err(error) if error.is_retryable() && attempt < self.attempts.max(1) => {
                    let pause = self.delay(attempt, &error);
                    tracing::warn!(attempt, ?pause, error = %error, "retrying a read");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            base: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
        }
    }

    #[test]
    fn the_back_off_doubles_and_is_capped() {
        let transient = PortError::Transient("503".into());
        let delays: Vec<_> = (1..=5).map(|n| policy().delay(n, &transient)).collect();
        assert_eq!(
            delays,
            [1, 2, 4, 8, 10].map(Duration::from_secs).to_vec(),
            "doubling from one second, capped at ten"
        );
    }

    #[test]
    fn retry_after_overrides_the_back_off_but_not_the_cap() {
        let limited = |s| PortError::RateLimited {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(policy().delay(1, &limited(7)), Duration::from_secs(7));
        assert_eq!(policy().delay(1, &limited(900)), Duration::from_secs(10));
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_ignored_when_a_date() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limited_read_waits_as_told_then_succeeds() {
        let calls = AtomicU32::new(0);
        let started = tokio::time::Instant::now();
        let result = policy()
            .run(|| async {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    Err(PortError::RateLimited {
                        retry_after: Some(Duration::from_secs(5)),
                    })
                } else {
                    Ok("page")
                }
            })
            .await;
        assert_eq!(result, Ok("page"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
    }

    /// Runs a call that always fails with `error` under [`policy`]: what
    /// the policy gave back, and how many times the call was made.
    async fn always_failing(error: &PortError) -> (Result<(), PortError>, u32) {
        let calls = AtomicU32::new(0);
        let result = policy()
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(error.clone())
            })
            .await;
        (result, calls.into_inner())
    }

    #[tokio::test(start_paused = true)]
    async fn retries_stop_after_the_last_attempt_with_its_error() {
        let transient = PortError::Transient("503".into());
        assert_eq!(always_failing(&transient).await, (Err(transient), 4));
    }

    #[tokio::test(start_paused = true)]
    async fn errors_that_will_not_pass_are_not_retried() {
        let not_found = PortError::NotFound;
        assert_eq!(always_failing(&not_found).await, (Err(not_found), 1));
    }
}
