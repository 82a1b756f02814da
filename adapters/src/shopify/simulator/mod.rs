//! A simulated Shopify: the Admin GraphQL endpoint Riff uses (§3), over real
//! HTTP, backed by in-memory products, variants, inventory and orders, with
//! a cost bucket and controls for tests and demos (seed products, buyers'
//! orders, products made without Riff, page size, injected faults), and the
//! `orders/create` webhook a sale sends.

mod server;
mod state;
mod webhook;

pub use crate::simulator::ControlError;
pub use server::{Fault, FaultPlan, ShopifySimulator};
pub use state::{SimOrder, SimProduct, SimStatus};
pub use webhook::WebhookTarget;
