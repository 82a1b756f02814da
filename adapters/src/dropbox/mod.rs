//! Dropbox, over the API v2 RPC endpoints, for product media: list the
//! image files of a product's folder and get a temporary link to each
//! (`docs/wire-formats.md` §5). Not a marketplace: it implements no port.
//!
//! - [`error`]: [`DropboxError`], what a failed call means and what to do.
//! - [`wire`]: the JSON documents and the OAuth token answer.
//! - [`client`]: [`DropboxClient`], with the refresh-token grant.
//! - [`simulator`]: an in-memory Dropbox answering the same routes.

pub mod client;
pub mod error;
pub mod simulator;
pub mod wire;

pub use client::{DropboxClient, DropboxConfig, DropboxFile, DropboxRefresh};
pub use error::DropboxError;
pub use simulator::DropboxSimulator;
