//! Login attempts, limited: after a few failures from one address, or
//! against one user name, further attempts wait. In memory — a restart
//! forgives, which costs an attacker a restart per few guesses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per key within [`WINDOW`].
const FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(300);

#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// How long until `key` may try again; `None` when it may now.
    pub fn wait(&self, key: &str) -> Option<Duration> {
        let failures = self
            .failures
            .lock()
            .expect("the throttle's lock is never poisoned");
        let (count, since) = failures.get(key)?;
        let elapsed = since.elapsed();
        (*count >= FAILURES && elapsed < WINDOW).then(|| WINDOW - elapsed)
    }

    pub fn failed(&self, key: &str) {
        let mut failures = self
            .failures
            .lock()
            .expect("the throttle's lock is never poisoned");
        let entry = failures
            .entry(key.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .expect("the throttle's lock is never poisoned")
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_waits_after_five_failures_and_is_forgiven_by_a_success() {
        let throttle = Throttle::default();
        for _ in 0..4 {
            throttle.failed("10.0.0.7");
        }
        assert_eq!(throttle.wait("10.0.0.7"), None);
        throttle.failed("10.0.0.7");
        assert!(throttle.wait("10.0.0.7").is_some());
        assert_eq!(throttle.wait("10.0.0.8"), None);
        throttle.succeeded("10.0.0.7");
        assert_eq!(throttle.wait("10.0.0.7"), None);
    }
}
