//! The Product aggregate: one physical item or stock line, identified by its
//! SKU (the aggregate id).

mod aggregate;
mod commands;
mod error;
mod events;

pub use aggregate::{reorder_media, Product, ProductStatus};
pub use commands::{ProductCommand, ProductSource, Revision};
pub use error::ProductError;
pub use events::ProductEvent;
