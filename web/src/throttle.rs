//! Login attempts, limited per address and per (address, user name), with
//! growing delays. In memory — a restart forgives, which costs an attacker
//! a restart per few guesses.
//!
//! An attempt is counted *before* the password is checked, under one lock
//! ([`Throttle::attempt`]): thirty wrong passwords sent at once get five
//! checks, not as many as slipped in before the first failure was written
//! down. A success forgives both keys. Nothing is kept per user name alone,
//! so a stranger failing as `admin` from anywhere cannot lock the real
//! admin out: a right password from an address with no failures goes
//! through.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts per key that never wait.
const FREE: u32 = 5;
/// The first delay after the free attempts; each attempt since doubles it.
const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest delay.
const MAX_DELAY: Duration = Duration::from_secs(300);
/// Keys are forgotten this long after their last attempt, when the map is
/// large: an attacker trying many user names cannot fill the memory.
const FORGET: Duration = Duration::from_secs(3600);
const PRUNE_ABOVE: usize = 10_000;
/// User names are at most 64 characters (`users::add`); a longer one in a
/// login form names nobody, and is kept only this far, so that a flood of
/// megabyte-long names cannot fill the memory before the map is pruned.
const MAX_USER_KEY: usize = 64;

#[derive(Default)]
pub struct Throttle {
    /// Per key: failed (or not yet decided) attempts, and when the last
    /// one was made.
    attempts: Mutex<HashMap<Key, (u32, Instant)>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    AddressUser(IpAddr, String),
}

/// An attempt that was let through to the password check.
#[derive(Debug)]
#[must_use = "tell the throttle how the attempt went"]
pub struct Attempt {
    keys: [Key; 2],
}

/// How long after `n` counted attempts the next one must wait, from the
/// last one: nothing for the first [`FREE`], then 1 s, 2 s, 4 s, … up to
/// [`MAX_DELAY`].
fn delay(n: u32) -> Duration {
    match n.checked_sub(FREE) {
        None => Duration::ZERO,
        Some(over) => FIRST_DELAY
            .saturating_mul(2u32.saturating_pow(over.min(16)))
            .min(MAX_DELAY),
    }
}

impl Throttle {
    /// Counts an attempt from `address` as `user` at `now`, or says how
    /// long to wait first. Checking and counting happen under one lock.
    ///
    /// # Errors
    /// The wait, when either key has failed too often, too recently.
    pub fn attempt(&self, address: IpAddr, user: &str, now: Instant) -> Result<Attempt, Duration> {
        let keys = [
            Key::Address(address),
            Key::AddressUser(address, user.chars().take(MAX_USER_KEY).collect()),
        ];
        let mut attempts = self.lock();
        let wait = keys
            .iter()
            .filter_map(|key| attempts.get(key))
            .map(|(n, last)| (*last + delay(*n)).saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(wait);
        }
        if attempts.len() > PRUNE_ABOVE {
            attempts.retain(|_, (_, last)| now.saturating_duration_since(*last) < FORGET);
        }
        for key in &keys {
            let entry = attempts.entry(key.clone()).or_insert((0, now));
            *entry = (entry.0 + 1, now);
        }
        Ok(Attempt { keys })
    }

    /// The attempt's password was right: both keys are forgiven.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut attempts = self.lock();
        for key in &attempt.keys {
            attempts.remove(key);
        }
    }

    /// The attempt's password was wrong: it stays counted.
    pub fn failed(&self, attempt: Attempt) {
        drop(attempt);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, (u32, Instant)>> {
        // Every write leaves the map whole, so a poisoned lock is still good.
        self.attempts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn five_attempts_pass_at_once_and_the_sixth_waits() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for _ in 0..5 {
            let attempt = throttle.attempt(ip(7), "admin", now).unwrap();
            throttle.failed(attempt);
        }
        assert!(throttle.attempt(ip(7), "admin", now).is_err());
        // Another user name from the same address waits too (per address).
        assert!(throttle.attempt(ip(7), "someone", now).is_err());
    }

    #[test]
    fn attempts_not_yet_decided_count_so_a_burst_gets_five_checks() {
        let throttle = Throttle::default();
        let now = Instant::now();
        let through: Vec<_> = (0..30)
            .filter_map(|_| throttle.attempt(ip(7), "admin", now).ok())
            .collect();
        assert_eq!(through.len(), 5);
    }

    #[test]
    fn delays_grow_after_the_free_attempts() {
        assert_eq!(delay(4), Duration::ZERO);
        assert_eq!(delay(5), Duration::from_secs(1));
        assert_eq!(delay(6), Duration::from_secs(2));
        assert_eq!(delay(8), Duration::from_secs(8));
        assert_eq!(delay(40), MAX_DELAY);
        let throttle = Throttle::default();
        let start = Instant::now();
        for _ in 0..5 {
            let a = throttle.attempt(ip(7), "admin", start).unwrap();
            throttle.failed(a);
        }
        let wait = throttle.attempt(ip(7), "admin", start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        let later = start + wait;
        let a = throttle.attempt(ip(7), "admin", later).unwrap();
        throttle.failed(a);
        assert_eq!(
            throttle.attempt(ip(7), "admin", later).unwrap_err(),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn a_stranger_failing_as_admin_does_not_lock_the_admin_out() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for _ in 0..5 {
            let a = throttle.attempt(ip(66), "admin", now).unwrap();
            throttle.failed(a);
        }
        assert!(throttle.attempt(ip(66), "admin", now).is_err());
        let admin = throttle.attempt(ip(7), "admin", now).unwrap();
        throttle.succeeded(admin);
    }

    #[test]
    fn a_user_name_is_kept_only_as_long_as_a_real_one() {
        let throttle = Throttle::default();
        let a = throttle
            .attempt(ip(7), &"x".repeat(1_000_000), Instant::now())
            .unwrap();
        let Key::AddressUser(_, kept) = &a.keys[1] else {
            panic!("the second key is the user's");
        };
        assert_eq!(kept.len(), MAX_USER_KEY);
        throttle.failed(a);
    }

    #[test]
    fn a_success_forgives_its_address_and_user() {
        let throttle = Throttle::default();
        let now = Instant::now();
        for _ in 0..4 {
            let a = throttle.attempt(ip(7), "admin", now).unwrap();
            throttle.failed(a);
        }
        let a = throttle.attempt(ip(7), "admin", now).unwrap();
        throttle.succeeded(a);
        for _ in 0..5 {
            let a = throttle.attempt(ip(7), "admin", now).unwrap();
            throttle.failed(a);
        }
    }
}
