//! Reverb, over its REST API: JSON with HAL links, a personal access token
//! as bearer, `Accept-Version: 3.0` (`docs/wire-formats.md` §2).
//!
//! - [`wire`]: the JSON documents.
//! - [`client`]: [`ReverbClient`], the [`riff_domain::port::Marketplace`] impl.
//! - [`webhook`]: checking a webhook delivery's URL token.
//! - [`simulator`]: an in-memory Reverb speaking the same API.

pub mod client;
pub mod simulator;
pub mod webhook;
pub mod wire;

pub use client::{ReverbClient, ReverbConfig};
pub use simulator::ReverbSimulator;
