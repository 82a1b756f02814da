//! Shopify, over the Admin GraphQL API version 2025-07: one POST endpoint,
//! `X-Shopify-Access-Token`, a cost bucket instead of a call count
//! (`docs/wire-formats.md` §3).
//!
//! - [`wire`]: the GraphQL documents and the JSON they return.
//! - [`client`]: [`ShopifyClient`], the [`riff_domain::port::Marketplace`] impl.
//! - [`webhook`]: checking a webhook delivery's HMAC.
//! - [`simulator`]: an in-memory Shopify answering the same operations.

pub mod client;
mod media;
pub mod simulator;
pub mod webhook;
pub mod wire;

pub use client::{ChosenLocation, ShopifyClient, ShopifyConfig};
pub use simulator::ShopifySimulator;
