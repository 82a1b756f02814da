//! A simulated Dropbox: the three file routes and the refresh-token grant
//! Riff uses (§5), over real HTTP, backed by in-memory folders and files,
//! with controls for tests and demos (seed files, page size, expire the
//! access token, reset a listing's cursor, injected faults).

mod server;

pub use server::{DropboxSimulator, Fault, FaultPlan};
