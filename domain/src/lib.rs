//! Riff's model of a music-gear shop's inventory.
//!
//! # Layout
//!
//! - [`value`]: parsed value types (SKU, money, condition, platform, product
//!   details). A value that exists is valid; parsing is the only way in.
//! - [`product`]: the Product aggregate — one physical item or stock line.
//! - [`listing`]: the Listing aggregate — one product on one platform.
//! - [`settings`]: the Settings aggregate — shop preferences kept in the log.
//! - [`sync_run`]: the SyncRun aggregate — one reconcile run and what it found.
//! - [`delivery`]: the Delivery aggregate — one webhook delivery, as received.
//! - [`policy`]: business decisions as pure functions (first sale wins,
//!   platform priority), used by the aggregates and, later, by the sagas.
//! - [`flag`]: which events raise a flag for the owner, and what it says.
//! - [`port`]: the Marketplace trait that each platform adapter implements,
//!   and the errors it reports.
//! - [`metadata`]: who and what caused an event; stored beside every event.
//! - [`upcast`]: turns old event payloads into today's shape on read.
//!
//! This crate does no I/O. Every rule here can be tested without a database or
//! a network, and the aggregates' given/when/then tests live beside them.

pub mod decide;
pub mod delivery;
#[cfg(test)]
mod fixture;
pub mod flag;
pub mod listing;
pub mod metadata;
mod named;
pub mod policy;
pub mod port;
pub mod product;
pub mod settings;
pub mod sync_run;
pub mod upcast;
pub mod value;

pub use listing::{Listing, ListingCommand, ListingError, ListingEvent, ListingStatus};
pub use metadata::{EventMetadata, Source};
pub use product::{Product, ProductCommand, ProductError, ProductEvent, ProductStatus};
pub use settings::{Settings, SettingsCommand, SettingsEvent};
pub use sync_run::{SyncRun, SyncRunCommand, SyncRunError, SyncRunEvent};
