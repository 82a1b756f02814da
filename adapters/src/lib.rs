//! Riff's adapters to the outside world: one module per marketplace, each
//! implementing [`riff_domain::port::Marketplace`] over the platform's real
//! wire format, and a simulator of each platform that speaks the same format
//! from in-memory state, so the adapter is tested over a real socket.
//!
//! # Layout
//!
//! - [`http`]: the shared reqwest client, the mapping of transport failures
//!   onto [`riff_domain::port::PortError`], and bounded retries for reads.
//! - [`secret`]: credentials whose `Debug` is redacted.
//! - [`ebay`]: the eBay Trading API (XML) client and its simulator.
//! - [`reverb`]: the Reverb REST API (JSON/HAL) client and its simulator.
//! - [`shopify`]: the Shopify Admin GraphQL API client and its simulator.
//! - [`vr`]: the Vintage & Rare website (forms, cookie session, CSV export)
//!   driven as a browser would, and its simulator.
//! - [`webhook`]: why a webhook delivery was refused; each platform's check
//!   lives in its module (`shopify::webhook`, `reverb::webhook`,
//!   `ebay::webhook`).
//! - [`dropbox`]: not a marketplace: the Dropbox API v2 client that lists a
//!   product's pictures and links to them, and its simulator.

pub mod dropbox;
pub mod ebay;
pub mod http;
mod pictures;
mod request;
pub mod reverb;
mod scanned;
pub mod secret;
pub mod shopify;
pub mod simulator;
pub mod vr;
pub mod webhook;

pub use pictures::OwnPictures;
pub use secret::Secret;
pub use webhook::WebhookError;
