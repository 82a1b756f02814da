//! eBay, over the Trading API: XML documents POSTed to `/ws/api.dll`, the
//! call named in the `X-EBAY-API-CALL-NAME` header, authorised by an OAuth
//! user token in `X-EBAY-API-IAF-TOKEN` (`docs/wire-formats.md` §1).
//!
//! - [`wire`]: the request and response documents.
//! - [`error`]: what eBay's error codes mean for Riff.
//! - [`client`]: [`EbayClient`], the [`riff_domain::port::Marketplace`] impl.
//! - [`webhook`]: checking a Platform Notification's signature.
//! - [`simulator`]: an in-memory eBay speaking the same protocol.

pub mod client;
pub mod error;
mod media;
pub mod simulator;
pub mod webhook;
pub mod wire;

pub use client::{item_url_prefix, EbayClient, EbayConfig, ListingDefaults, OAuthRefresh};
pub use simulator::EbaySimulator;
pub use webhook::{EbayNotification, EbayNotifyIds};
