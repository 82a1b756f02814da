//! A simulated Vintage & Rare website (§4.3): the login form and its cookie
//! session, the inventory export page and CSV, the add/edit item form and
//! the AJAX calls, over real HTTP, backed by in-memory items, with controls
//! for tests and demos (seed items, items made by hand without a SKU, sales,
//! how a create answers, injected faults, a Cloudflare challenge that only
//! a browser passes).

mod server;
mod state;

pub use crate::simulator::ControlError;
pub use server::{CreateReply, Fault, FaultPlan, VrSimulator};
pub use state::{SimImage, SimItem};
