//! Riff's read side.
//!
//! # Layout
//!
//! - [`audit`]: the log itself, searched and summarised for a reader.
//! - [`db`]: the database handle — one per process, for either backend.
//! - [`log`]: reads the global event log by position, never past an event
//!   that could still appear below it.
//! - [`runner`]: the projector that tails the log from each view's stored
//!   checkpoint and applies events, checkpoint and view rows in one
//!   transaction.
//! - [`counts`]: inventory counts kept until the views move.
//! - [`replay`]: rebuilds views from position zero, in one transaction.
//! - [`timeline`]: a product as it was at any earlier moment.
//! - [`view`]: the views, one file each, owning their tables, how events
//!   change them, and how they are read.
//!
//! Views are written with the same SQL for PostgreSQL and SQLite, through
//! sqlx's `Any` driver; only the log reader needs backend-specific SQL.

pub mod archive;
pub mod audit;
pub mod checkpoint;
pub mod counts;
pub mod db;
mod error;
pub mod log;
mod pool;
pub mod replay;
pub mod runner;
pub mod timeline;
pub mod view;

pub use db::{Backend, Db};
pub use error::ProjectionError;
pub use log::{Envelope, RecordedEvent, StoredEvent};
pub use runner::{Outcome, Projector};
