//! `GET /metrics`, in Prometheus's text format: what an operator graphs and
//! alerts on. Counters live here and are bumped by the sync loops; the
//! figures that the database already knows (log head, projection lag, last
//! successful sync) are read when scraped.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use riff_domain::value::Platform;
use riff_projections::view::sync_runs;
use riff_projections::{checkpoint, log, Db, ProjectionError, Projector};

type Labels = Vec<(String, String)>;

/// How many sale-to-ended latencies the dashboard summarises.
const RECENT: usize = 100;

fn platform_label(platform: Platform) -> Labels {
    vec![("platform".to_owned(), platform.as_str().to_owned())]
}

pub struct Metrics {
    registry: Registry,
    /// The last latencies, for the dashboard's figure (the histogram has
    /// only buckets).
    recent: std::sync::Mutex<std::collections::VecDeque<Duration>>,
    requests: Family<Labels, Counter>,
    retries: Family<Labels, Counter>,
    sale_to_ended: Histogram,
    outbox_depth: Gauge,
    log_head: Gauge,
    projection_lag: Gauge,
    saga_lag: Gauge,
    last_success: Family<Labels, Gauge<f64, AtomicU64>>,
    view_stalled: Family<Labels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("riff");
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "marketplace_requests",
            "HTTP requests made to each marketplace",
            requests.clone(),
        );
        let retries = Family::<Labels, Counter>::default();
        registry.register(
            "effect_retries",
            "Marketplace calls put off to be tried again",
            retries.clone(),
        );
        // 50 ms to ~7 minutes.
        let sale_to_ended = Histogram::new(exponential_buckets(0.05, 2.0, 14));
        registry.register(
            "sale_to_ended_seconds",
            "From a sale's end request to the listing ended on another platform",
            sale_to_ended.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "outbox_depth",
            "Listings waiting for a publish, update or end",
            outbox_depth.clone(),
        );
        let log_head = Gauge::default();
        registry.register(
            "events_appended",
            "Events in the log (its highest position)",
            log_head.clone(),
        );
        let projection_lag = Gauge::default();
        registry.register(
            "projection_lag_events",
            "Events appended but not yet applied to every view",
            projection_lag.clone(),
        );
        let saga_lag = Gauge::default();
        registry.register(
            "saga_lag_events",
            "Events appended but not yet reacted to by the sagas (sales, ends, revisions, imports)",
            saga_lag.clone(),
        );
        let last_success = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "last_successful_sync_timestamp_seconds",
            "When each platform last synced without error (Unix time)",
            last_success.clone(),
        );
        let view_stalled = Family::<Labels, Gauge>::default();
        registry.register(
            "view_stalled",
            "1 when the view cannot apply the next event (see /healthz), else 0",
            view_stalled.clone(),
        );
        Self {
            registry,
            recent: std::sync::Mutex::default(),
            requests,
            retries,
            sale_to_ended,
            outbox_depth,
            log_head,
            projection_lag,
            saga_lag,
            last_success,
            view_stalled,
        }
    }
}

impl Metrics {
    pub fn requests(&self, platform: Platform, n: u32) {
        self.requests
            .get_or_create(&platform_label(platform))
            .inc_by(u64::from(n));
    }

    pub fn retry(&self, platform: Platform) {
        self.retries.get_or_create(&platform_label(platform)).inc();
    }

    pub fn sale_to_ended(&self, latency: Duration) {
        self.sale_to_ended.observe(latency.as_secs_f64());
        let mut recent = self
            .recent
            .lock()
            .expect("the metrics lock is never poisoned");
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(latency);
    }

    /// The median and the slowest of the last sales' time to end the other
    /// listings, and how many that is; `None` before the first.
    pub fn recent_sale_to_ended(&self) -> Option<(Duration, Duration, usize)> {
        let mut recent: Vec<Duration> = self
            .recent
            .lock()
            .expect("the metrics lock is never poisoned")
            .iter()
            .copied()
            .collect();
        recent.sort_unstable();
        Some((
            *recent.get(recent.len() / 2)?,
            *recent.last()?,
            recent.len(),
        ))
    }

    pub fn outbox_depth(&self, depth: usize) {
        self.outbox_depth
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// The text Prometheus scrapes, with the database's figures read now;
    /// `saga_checkpoint` names the sagas' checkpoint, whose distance behind
    /// the log is `riff_saga_lag_events`.
    ///
    /// # Errors
    /// The database could not be read.
    pub async fn render(
        &self,
        db: &Db,
        projector: &Projector,
        saga_checkpoint: &str,
    ) -> Result<String, ProjectionError> {
        let head = log::safe_position(db).await?;
        self.log_head.set(head);
        self.projection_lag
            .set((head - projector.position()).max(0));
        let reacted = checkpoint::load(db, saga_checkpoint).await?;
        self.saga_lag.set((head - reacted).max(0));
        let stalls = projector.stalls();
        for view in projector.view_names() {
            self.view_stalled
                .get_or_create(&vec![("view".to_owned(), view.to_owned())])
                .set(i64::from(stalls.contains_key(view)));
        }
        for platform in sync_runs::platforms(db).await? {
            if let Some(at) = platform
                .last_success_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            {
                #[allow(clippy::cast_precision_loss)]
                let seconds = at.timestamp_millis() as f64 / 1000.0;
                self.last_success
                    .get_or_create(&vec![("platform".to_owned(), platform.platform)])
                    .set(seconds);
            }
        }
        let mut text = String::new();
        encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        Ok(text)
    }
}
