//! The sync-runs view: every reconcile run with its per-platform figures,
//! and the latest outcome of each platform's full reconcile ("last
//! successful sync"; a webhook's targeted run is listed, not counted).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use riff_domain::sync_run::{PlatformReport, Trigger};
use riff_domain::value::Platform;
use riff_domain::{SyncRun, SyncRunEvent};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::one_at_a_time::OneAtATime;
use super::timestamp;
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct SyncRuns;

#[async_trait]
impl OneAtATime for SyncRuns {
    const NAME: &'static str = "sync_runs";
    const TABLES: &'static [&'static str] = &["sync_runs", "platform_sync"];
    const AGGREGATE_TYPES: &'static [&'static str] = &[SyncRun::TYPE];

    async fn apply_one(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        let RecordedEvent::SyncRun(event) = &envelope.event else {
            return Ok(());
        };
        let run_id = envelope.aggregate_id.as_str();
        match event {
            SyncRunEvent::RunStarted {
                trigger,
                platforms,
                started_at,
            } => run_started(conn, run_id, *trigger, platforms, *started_at).await,
            SyncRunEvent::PlatformSynced {
                platform,
                report,
                synced_at,
            } => {
                let trigger = add_report(conn, run_id, *platform, report).await?;
                // A webhook's run reads only recent sales: it says nothing
                // of whether the platform's full reconcile, which alone
                // finds listings ended or made by hand, still works.
                if trigger.as_deref() == Some(Trigger::Webhook.as_str()) {
                    return Ok(());
                }
                platform_synced(conn, run_id, *platform, report, *synced_at).await
            }
            SyncRunEvent::RunFinished { finished_at } => {
                sqlx::query("update sync_runs set finished_at = $1 where run_id = $2")
                    .bind(timestamp(*finished_at))
                    .bind(run_id)
                    .execute(conn)
                    .await?;
                Ok(())
            }
        }
    }
}

/// A run's row, with no report yet.
async fn run_started(
    conn: &mut AnyConnection,
    run_id: &str,
    trigger: Trigger,
    platforms: &[Platform],
    started_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sync_runs (run_id, trigger, platforms, reports, started_at) \
         values ($1, $2, $3, '{}', $4) on conflict (run_id) do nothing",
    )
    .bind(run_id)
    .bind(trigger.as_str())
    .bind(serde_json::to_string(platforms).expect("platforms serialise"))
    .bind(timestamp(started_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds one platform's report to its run; returns what triggered the run
/// (none for a run the view has no row of).
async fn add_report(
    conn: &mut AnyConnection,
    run_id: &str,
    platform: Platform,
    report: &PlatformReport,
) -> Result<Option<String>, sqlx::Error> {
    let run: Option<(String, String)> =
        sqlx::query_as("select reports, trigger from sync_runs where run_id = $1")
            .bind(run_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (reports, trigger) = run.unzip();
    let mut reports: BTreeMap<String, PlatformReport> = reports
        .and_then(|r| serde_json::from_str(&r).ok())
        .unwrap_or_default();
    reports.insert(platform.as_str().to_owned(), report.clone());
    sqlx::query("update sync_runs set reports = $1 where run_id = $2")
        .bind(serde_json::to_string(&reports).expect("reports serialise"))
        .bind(run_id)
        .execute(conn)
        .await?;
    Ok(trigger)
}

/// The platform's latest full reconcile: when it ran, and when it last
/// succeeded or why it failed.
async fn platform_synced(
    conn: &mut AnyConnection,
    run_id: &str,
    platform: Platform,
    report: &PlatformReport,
    synced_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = timestamp(synced_at);
    let (success, error) = if report.succeeded() {
        (Some(at.clone()), None)
    } else {
        (None, Some(report.errors.join("; ")))
    };
    sqlx::query(
        "insert into platform_sync \
         (platform, last_run_id, last_synced_at, last_success_at, last_error) \
         values ($1, $2, $3, $4, $5) on conflict (platform) do update set \
         last_run_id = excluded.last_run_id, \
         last_synced_at = excluded.last_synced_at, \
         last_success_at = coalesce(excluded.last_success_at, platform_sync.last_success_at), \
         last_error = excluded.last_error",
    )
    .bind(platform.as_str())
    .bind(run_id)
    .bind(at)
    .bind(success)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// One run, as `GET /api/sync/runs` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncRunRow {
    pub run_id: String,
    pub trigger: String,
    /// `running`, `succeeded` (every platform synced) or `failed` (some
    /// platform did not; the others still synced).
    pub status: &'static str,
    pub platforms: Vec<String>,
    pub reports: BTreeMap<String, PlatformReport>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

impl SyncRunRow {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |column: &str, e: serde_json::Error| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(e),
        };
        let platforms: String = row.try_get("platforms")?;
        let reports: String = row.try_get("reports")?;
        let reports: BTreeMap<String, PlatformReport> =
            serde_json::from_str(&reports).map_err(|e| decode("reports", e))?;
        let finished_at: Option<String> = row.try_get("finished_at")?;
        let status = match &finished_at {
            None => "running",
            Some(_) if reports.values().all(PlatformReport::succeeded) => "succeeded",
            Some(_) => "failed",
        };
        Ok(Self {
            run_id: row.try_get("run_id")?,
            trigger: row.try_get("trigger")?,
            status,
            platforms: serde_json::from_str(&platforms).map_err(|e| decode("platforms", e))?,
            reports,
            started_at: row.try_get("started_at")?,
            finished_at,
        })
    }
}

/// The latest runs, newest first.
///
/// # Errors
/// The database could not be read.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<SyncRunRow>, ProjectionError> {
    Ok(
        sqlx::query("select * from sync_runs order by started_at desc, run_id limit $1")
            .bind(limit)
            .fetch_all(&db.views)
            .await?
            .iter()
            .map(SyncRunRow::from_row)
            .collect::<Result<_, _>>()?,
    )
}

/// One run.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, run_id: &str) -> Result<Option<SyncRunRow>, ProjectionError> {
    Ok(sqlx::query("select * from sync_runs where run_id = $1")
        .bind(run_id)
        .fetch_optional(&db.views)
        .await?
        .as_ref()
        .map(SyncRunRow::from_row)
        .transpose()?)
}

/// The latest outcome of one platform, read from its row by column name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlatformSync {
    pub platform: String,
    pub last_run_id: String,
    pub last_synced_at: String,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
}

/// Every platform that has been synced at least once.
///
/// # Errors
/// The database could not be read.
pub async fn platforms(db: &Db) -> Result<Vec<PlatformSync>, ProjectionError> {
    Ok(
        sqlx::query_as("select * from platform_sync order by platform")
            .fetch_all(&db.views)
            .await?,
    )
}
