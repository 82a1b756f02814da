//! A simulated Reverb: the REST endpoints Riff uses (§2), over real HTTP,
//! backed by in-memory listings and orders, with controls for tests and
//! demos (seed listings, buyers' orders, listings made without Riff, page
//! size, injected faults), and the `orders/create` webhook a sale sends.

mod server;
mod state;
mod webhook;

pub use crate::simulator::ControlError;
pub use server::{Fault, FaultPlan, ReverbSimulator, API_PATH};
pub use state::{SimListing, SimOrder, SimState};
pub use webhook::WebhookTarget;
