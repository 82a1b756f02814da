//! Business decisions as pure functions. The aggregates call them in
//! `handle`; the sagas (later) call them between fetching and acting.

mod import;
mod outbox;
mod priority;
mod reconcile;
mod record;
mod retry;
mod revise;
mod saga;
mod sale;

pub use import::{
    completes_draft, decide_import, details_from_snapshot, likely_duplicate, Candidate,
    ImportDecision,
};
pub use outbox::publish_now;
pub use priority::PlatformPriority;
pub use reconcile::{detected_listing_id, diff, to_look_up, Change, KnownListing};
pub use record::{command_for, tally, Believed};
pub use retry::{RetryDecision, RetryPolicy};
pub use revise::{revision, revision_due, Edit, ShownNow};
pub use saga::{after_sale, listings_to_end, AfterSale, SiblingListing};
pub use sale::{check_sold_at, counted_at_import, decide_sale, earliest_sale, Sale, SaleDecision};
