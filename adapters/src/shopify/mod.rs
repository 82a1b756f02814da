//! Shopify, over the Admin GraphQL API version 2025-07: one POST endpoint,
//! `X-Shopify-Access-Token`, a cost bucket instead of a call count
//! (`docs/wire-formats.md` §3).
//!
//! - [`wire`]: the GraphQL documents and the JSON they return.

pub mod wire;
