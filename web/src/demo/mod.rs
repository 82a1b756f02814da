//! `riff demo`: one command, no setup. A realistic music-gear shop in a
//! fresh SQLite database, the four marketplace simulators in-process with
//! the shop already listed on them, a first sync, and simulated buyers who
//! keep buying — so the owner can watch a sale on one platform end the
//! item's listings on the others.
//!
//! - [`run`]: the demo itself — start everything, stop on Ctrl-C.
//! - [`catalogue`]: the shop's stock and where each item is listed.
//! - [`shop`]: putting the shop on the marketplaces and into Riff.
//! - [`buyers`]: the simulated buyers.
//! - [`welcome`]: what the owner is told once the shop is ready.
//! - [`api`]: the demo's client of the Riff it runs.

mod api;
mod buyers;
mod catalogue;
mod error;
pub mod picture;
mod run;
mod shop;
mod welcome;

pub use error::DemoError;
pub use run::{run, DemoOptions};
pub use welcome::{print_welcome, Welcome};
