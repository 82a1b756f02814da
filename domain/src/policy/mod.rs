//! Business decisions as pure functions. The aggregates call them in
//! `handle`; the sagas (later) call them between fetching and acting.

mod priority;
mod sale;

pub use priority::PlatformPriority;
pub use sale::{decide_sale, Sale, SaleDecision};
