//! When the effects worker tries a failed publish, revise or end again.
//!
//! Only failures that may pass are retried: a platform that is down or
//! asking us to slow down. Content the platform refused, or credentials it
//! will not take, fail the same way every time until a person acts, so
//! retrying them only burns the platform's call allowance. Retries back off
//! exponentially and are spread by a jitter the caller draws, so that the
//! hundred items a failed scan left behind do not all hit the platform again
//! in the same second.

use std::time::Duration;

use crate::port::PortError;

/// What to do after an effect (publish, revise, end) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try the same effect again once this long has passed.
    RetryAfter(Duration),
    /// Stop, and record the failure for the owner (which raises a flag).
    GiveUp,
}

/// How patiently the effects worker retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The longest wait before the second attempt; each later wait doubles.
    pub base: Duration,
    /// No single wait grows beyond this (unless the platform asks for more).
    pub max_delay: Duration,
    /// The attempts made in all, the first included, before giving up.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// Eight attempts over roughly ten minutes: long enough to ride out a
    /// platform's brief outage or a rate-limit window, short enough that the
    /// owner hears about a real problem the same morning.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            max_delay: Duration::from_secs(5 * 60),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// Decides whether to try again after `attempts` attempts have failed
    /// (counting the one that just failed; `0` is read as `1`).
    ///
    /// `jitter` is a number in `[0, 1)` the caller draws (the domain has no
    /// randomness); it spreads the wait between half and all of the
    /// exponential back-off. Values outside that range are clamped.
    ///
    /// [`PortError::NotFound`] and [`PortError::AlreadyEnded`] are outcomes,
    /// not failures: the worker turns them into "ended on the platform" (or a
    /// flag) before it asks, and gets [`RetryDecision::GiveUp`] if it asks
    /// anyway. [`PortError::Protocol`] is not retried either, following
    /// [`PortError::is_retryable`]: an answer Riff cannot read usually means
    /// the platform's API changed, which no wait will fix.
    pub fn decide(&self, error: &PortError, attempts: u32, jitter: f64) -> RetryDecision {
        if !error.is_retryable() || attempts.max(1) >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        let backoff = self.backoff(attempts, jitter);
        let delay = match error {
            // The platform knows best how long its window is; waiting less
            // only earns another refusal, so its figure is never capped.
            PortError::RateLimited {
                retry_after: Some(asked),
            } => backoff.max(*asked),
            _ => backoff,
        };
        RetryDecision::RetryAfter(delay)
    }

    /// `base · 2^(attempts−1)`, capped at `max_delay`, then spread over its
    /// upper half: `exp/2 + exp/2 · jitter`. Keeping the lower half means a
    /// retry never comes sooner than half the back-off, while two items that
    /// failed together still come back apart.
    fn backoff(&self, attempts: u32, jitter: f64) -> Duration {
        let doublings = attempts.max(1) - 1;
        let factor = 2u32.checked_pow(doublings).unwrap_or(u32::MAX);
        let exponential = self.base.saturating_mul(factor).min(self.max_delay);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = exponential / 2;
        half + half.mul_f64(jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient() -> PortError {
        PortError::Transient("HTTP 503".into())
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn the_default_policy_starts_at_a_second_and_gives_up_after_eight_attempts() {
        assert_eq!(
            policy(),
            RetryPolicy {
                base: secs(1),
                max_delay: secs(300),
                max_attempts: 8
            }
        );
    }

    #[test]
    fn a_transient_failure_is_retried_with_a_doubling_wait() {
        let p = RetryPolicy {
            base: secs(2),
            ..policy()
        };
        // Without jitter the wait is half the exponential back-off…
        assert_eq!(
            p.decide(&transient(), 1, 0.0),
            RetryDecision::RetryAfter(secs(1))
        );
        assert_eq!(
            p.decide(&transient(), 2, 0.0),
            RetryDecision::RetryAfter(secs(2))
        );
        assert_eq!(
            p.decide(&transient(), 3, 0.0),
            RetryDecision::RetryAfter(secs(4))
        );
        // …and with the most jitter it is nearly all of it.
        let RetryDecision::RetryAfter(most) = p.decide(&transient(), 3, 0.999) else {
            panic!("expected a retry");
        };
        assert!(most > secs(7) && most < secs(8), "{most:?}");
    }

    #[test]
    fn jitter_spreads_retries_of_items_that_failed_together() {
        let early = policy().decide(&transient(), 4, 0.1);
        let late = policy().decide(&transient(), 4, 0.9);
        assert_ne!(early, late);
    }

    #[test]
    fn the_wait_never_grows_beyond_the_maximum() {
        let p = RetryPolicy {
            max_attempts: 100,
            ..policy()
        };
        for attempts in [10, 31, 32, 33, 99] {
            let RetryDecision::RetryAfter(wait) = p.decide(&transient(), attempts, 0.999) else {
                panic!("expected a retry");
            };
            assert!(wait <= p.max_delay, "{attempts}: {wait:?}");
            assert!(wait >= p.max_delay / 2, "{attempts}: {wait:?}");
        }
    }

    #[test]
    fn jitter_outside_zero_to_one_is_clamped_rather_than_trusted() {
        let p = policy();
        assert_eq!(
            p.decide(&transient(), 2, -3.0),
            p.decide(&transient(), 2, 0.0)
        );
        assert_eq!(
            p.decide(&transient(), 2, f64::NAN),
            p.decide(&transient(), 2, 0.0)
        );
        assert_eq!(
            p.decide(&transient(), 2, 7.0),
            RetryDecision::RetryAfter(secs(2))
        );
    }

    #[test]
    fn after_the_last_attempt_the_worker_gives_up() {
        let p = policy();
        assert!(matches!(
            p.decide(&transient(), 7, 0.5),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(p.decide(&transient(), 8, 0.5), RetryDecision::GiveUp);
        assert_eq!(p.decide(&transient(), 20, 0.5), RetryDecision::GiveUp);
    }

    #[test]
    fn a_rate_limit_waits_at_least_as_long_as_the_platform_asked() {
        let limited = PortError::RateLimited {
            retry_after: Some(secs(15)),
        };
        assert_eq!(
            policy().decide(&limited, 1, 0.0),
            RetryDecision::RetryAfter(secs(15))
        );
        // Asking for longer than the cap is honoured too.
        let long = PortError::RateLimited {
            retry_after: Some(secs(900)),
        };
        assert_eq!(
            policy().decide(&long, 1, 0.0),
            RetryDecision::RetryAfter(secs(900))
        );
    }

    #[test]
    fn a_rate_limit_still_counts_towards_giving_up() {
        let limited = PortError::RateLimited {
            retry_after: Some(secs(15)),
        };
        assert_eq!(policy().decide(&limited, 8, 0.0), RetryDecision::GiveUp);
    }

    #[test]
    fn a_rate_limit_without_a_figure_backs_off_like_a_transient_failure() {
        let limited = PortError::RateLimited { retry_after: None };
        assert_eq!(
            policy().decide(&limited, 3, 0.5),
            policy().decide(&transient(), 3, 0.5)
        );
    }

    #[test]
    fn refused_content_is_not_retried() {
        let refused = PortError::Validation {
            field: Some("title".into()),
            message: "too long".into(),
        };
        assert_eq!(policy().decide(&refused, 1, 0.5), RetryDecision::GiveUp);
    }

    #[test]
    fn refused_credentials_are_not_retried() {
        let auth = PortError::Auth("reconnect eBay in settings".into());
        assert_eq!(policy().decide(&auth, 1, 0.5), RetryDecision::GiveUp);
    }

    #[test]
    fn outcomes_and_unreadable_answers_are_left_to_the_caller() {
        for error in [
            PortError::NotFound,
            PortError::AlreadyEnded,
            PortError::Protocol("<html>".into()),
        ] {
            assert_eq!(
                policy().decide(&error, 1, 0.5),
                RetryDecision::GiveUp,
                "{error:?}"
            );
        }
    }

    #[test]
    fn zero_attempts_is_read_as_the_first_failure() {
        assert_eq!(
            policy().decide(&transient(), 0, 0.0),
            policy().decide(&transient(), 1, 0.0)
        );
    }
}
