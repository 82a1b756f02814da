//! Vintage & Rare, which has no API: the adapter drives the website as a
//! seller's browser would (`docs/wire-formats.md` §4). A form login with a
//! `PHPSESSID` cookie session, the inventory CSV export for every read, the
//! add/edit item form for writes, and the mark-as-sold and delete AJAX calls
//! to end a listing; headless Chromium when Cloudflare challenges.
//!
//! - [`wire`]: the CSV export rows and the form fields.
//! - [`client`]: [`VrClient`], the [`riff_domain::port::Marketplace`] impl.
//! - [`browser`]: the headless-Chromium path past Cloudflare's challenge.
//! - `pictures`: the listing's pictures, fetched for the item form.
//! - [`simulator`]: an in-memory V&R website speaking the same forms, with
//!   a Cloudflare challenge only a browser passes.

pub mod browser;
pub mod client;
pub mod simulator;
pub mod wire;

pub use browser::{BrowserConfig, BrowserError};
pub use client::{VrClient, VrConfig};
pub use simulator::VrSimulator;
