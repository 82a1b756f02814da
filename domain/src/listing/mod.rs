//! The Listing aggregate: one product on one platform, identified by a UUID
//! that Riff gives it when the listing is requested or detected.

mod aggregate;
pub mod attributes;
pub mod category_map;
mod commands;
pub mod defaults;
mod error;
mod events;
pub mod price;
pub mod readiness;
pub mod sent;

pub use aggregate::{Listing, ListingStatus};
pub use attributes::PlatformAttributes;
pub use commands::{ListingCommand, SoldLine};
pub use error::ListingError;
pub use events::{EndReason, EndedBy, ExternalSnapshot, ListingEvent};
