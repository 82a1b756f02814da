//! Vintage & Rare, which has no API: the adapter drives the website as a
//! seller's browser would (`docs/wire-formats.md` §4). A form login with a
//! `PHPSESSID` cookie session, the inventory CSV export for every read, the
//! add/edit item form for writes, and the mark-as-sold and delete AJAX calls
//! to end a listing.
//!
//! - [`wire`]: the CSV export rows and the form bodies.
//! - [`client`]: [`VrClient`], the [`riff_domain::port::Marketplace`] impl.
//! - [`simulator`]: an in-memory V&R website speaking the same forms.

pub mod client;
pub mod simulator;
pub mod wire;

pub use client::{VrClient, VrConfig};
pub use simulator::VrSimulator;
