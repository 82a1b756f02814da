//! A simulated Reverb: the REST endpoints Riff uses (§2), over real HTTP,
//! backed by in-memory listings and orders, with controls for tests and
//! demos (seed listings, buyers' orders, listings made without Riff, page
//! size, injected faults).

mod server;
mod state;

pub use server::{ControlError, Fault, FaultPlan, ReverbSimulator, API_PATH};
pub use state::{SimListing, SimOrder, SimState};
