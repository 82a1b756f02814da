//! A simulated eBay: the Trading API and the OAuth token endpoint over real
//! HTTP, backed by in-memory state, with controls for tests and demos (seed
//! listings, buyers' purchases, listings made on eBay's own site, injected
//! faults, expiring tokens), and the `FixedPriceTransaction` notification
//! a sale sends.
//!
//! It speaks the same XML as [`super::client::EbayClient`] and answers with
//! the error codes of `docs/wire-formats.md` §1.9, so the client is tested
//! against it over a socket, and `riff demo` can run without eBay.

mod media;
mod rules;
mod server;
mod state;
mod webhook;

pub use crate::simulator::ControlError;
pub use media::{HostedImage, MEDIA_PATH};
pub use server::{EbaySimulator, Fault, FaultPlan, SimConfig, API_PATH, OAUTH_PATH};
pub use state::{SimListing, SimSale, SimStatus};
pub use webhook::WebhookTarget;
