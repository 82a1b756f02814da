//! What every request handler can reach.

use std::sync::Arc;
use std::time::Duration;

use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;
use riff_projections::{log, Db, ProjectionError, Projector};

use crate::auth::ApiToken;
use crate::ledger::Ledger;
use crate::metrics::Metrics;
use crate::sync::Engine;
use crate::webhook_secrets::WebhookSecrets;

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
    pub engine: Arc<Engine>,
    pub metrics: Arc<Metrics>,
    pub webhooks: Arc<WebhookSecrets>,
    /// Inventory totals and dropdown counts, kept until the views move.
    pub counts: Arc<riff_projections::counts::CountCache>,
    /// Login attempts, limited per address and per user name.
    pub login_throttle: Arc<crate::throttle::Throttle>,
    /// The shop's time zone (`RIFF_TIMEZONE`): pages show times in it and
    /// forms read them in it.
    pub zone: chrono_tz::Tz,
    /// When reconciles run by themselves, in words.
    pub schedule_text: Arc<str>,
    /// Session cookies are `Secure` when Riff is served over HTTPS.
    pub secure_cookies: bool,
    pub token: Arc<ApiToken>,
    pub currency: Currency,
    pub priority: Arc<PlatformPriority>,
    /// Product images kept under `RIFF_MEDIA_DIR`.
    pub media: Arc<crate::media::MediaStore>,
    /// The shop's Dropbox, when configured.
    pub dropbox: Option<Arc<riff_adapters::dropbox::DropboxClient>>,
    /// The platforms' last verdicts on each product (readiness).
    pub verdicts: Arc<crate::readiness::Verdicts>,
}

impl AppState {
    /// Waits (bounded) until the views show every event of one aggregate,
    /// so that a client reading right after a write sees it.
    ///
    /// # Errors
    /// The log could not be read.
    pub async fn caught_up_with(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<(), ProjectionError> {
        let position = log::last_position_of(&self.db, aggregate_type, aggregate_id).await?;
        if !self.projector.wait_for(position, READ_YOUR_WRITES).await {
            tracing::warn!(position, "views did not catch up in time; answering anyway");
        }
        Ok(())
    }
}
