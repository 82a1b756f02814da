//! What every request handler can reach.

use std::sync::Arc;
use std::time::Duration;

use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;
use riff_projections::{Db, Projector};

use crate::auth::ApiToken;
use crate::ledger::Ledger;

/// How long a write waits for the views to show it before answering anyway.
/// Views normally catch up in milliseconds; this bounds a stalled projector.
pub const READ_YOUR_WRITES: Duration = Duration::from_secs(5);

/// Built once at start-up and cloned into each handler: every field is
/// shared behind an `Arc`.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub ledger: Arc<Ledger>,
    pub projector: Arc<Projector>,
    pub token: Arc<ApiToken>,
    pub currency: Currency,
    pub priority: Arc<PlatformPriority>,
}

impl AppState {
    /// Waits (bounded) until the views show what the log holds at
    /// `position`, so that a client reading right after a write sees it.
    pub async fn caught_up(&self, position: i64) {
        if !self.projector.wait_for(position, READ_YOUR_WRITES).await {
            tracing::warn!(position, "views did not catch up in time; answering anyway");
        }
    }
}
