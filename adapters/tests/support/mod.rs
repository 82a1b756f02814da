//! What the adapters' test binaries share: a webhook receiver, a picture
//! host, the product every test publishes, and the scan scenarios every
//! marketplace that sells by units must pass alike.
//!
//! Each test binary declares `mod support;` and uses a part of it, so the
//! rest is dead code in that binary.
#![allow(dead_code)]

pub(crate) mod fixtures;
pub(crate) mod pictures;
pub(crate) mod scenarios;
pub(crate) mod webhooks;
