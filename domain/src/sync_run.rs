//! The SyncRun aggregate: one reconcile run, kept in the log like every other
//! change, so that the sync-runs page, `/metrics` ("last successful sync")
//! and the audit history all read the same record.
//!
//! A run is started, gets one report per platform it scanned, and is
//! finished. A run whose process died half-way stays unfinished; the view
//! shows it as such rather than inventing an outcome.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::decide::domain_event;
use crate::decide::Decide;
use crate::named::named;
use crate::value::Platform;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `RIFF_SYNC_TIMES`.
    Schedule,
    /// "Sync now" or `POST /api/sync`.
    Manual,
    /// A platform told Riff something changed.
    Webhook,
    /// `riff sync`.
    Cli,
}

named!(Trigger {
    Schedule => "schedule",
    Manual => "manual",
    Webhook => "webhook",
    Cli => "cli",
});

/// What one platform's part of a run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformReport {
    /// HTTP requests the scan made, retries included.
    pub requests: u32,
    /// Listings the platform reported.
    pub listings: u32,
    /// New sales recorded.
    pub sales: u32,
    /// Listings found that Riff did not know.
    pub detected: u32,
    /// Listings that ended on the platform without a sale.
    pub ended_elsewhere: u32,
    /// Prices or quantities that differ from what Riff published.
    pub drifted: u32,
    /// What went wrong, in words that say what to fix. Empty: synced.
    pub errors: Vec<String>,
}

impl PlatformReport {
    pub fn succeeded(&self) -> bool {
        self.errors.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncRunEvent {
    RunStarted {
        trigger: Trigger,
        platforms: Vec<Platform>,
        started_at: DateTime<Utc>,
    },
    PlatformSynced {
        platform: Platform,
        report: PlatformReport,
        synced_at: DateTime<Utc>,
    },
    RunFinished {
        finished_at: DateTime<Utc>,
    },
}

domain_event!(SyncRunEvent {
    RunStarted,
    PlatformSynced,
    RunFinished,
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRunCommand {
    Start {
        trigger: Trigger,
        platforms: Vec<Platform>,
        started_at: DateTime<Utc>,
    },
    Record {
        platform: Platform,
        report: PlatformReport,
        synced_at: DateTime<Utc>,
    },
    Finish {
        finished_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncRunError {
    #[error("this sync run has already started")]
    AlreadyStarted,
    #[error("no such sync run")]
    NotStarted,
    #[error("this sync run has finished")]
    Finished,
    #[error("{platform} is not part of this sync run, or was recorded already")]
    UnexpectedPlatform { platform: Platform },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRun {
    pub started: bool,
    pub finished: bool,
    /// Platforms of the run still without a report.
    pub outstanding: Vec<Platform>,
}

impl SyncRun {
    /// Runs are named by a UUID that the caller gives, so that it can answer
    /// `202 {"run_id"}` before the run has done anything.
    pub fn id(run_id: Uuid) -> String {
        run_id.to_string()
    }
}

impl Decide for SyncRun {
    fn decide(&self, command: SyncRunCommand) -> Result<Vec<SyncRunEvent>, SyncRunError> {
        match command {
            SyncRunCommand::Start {
                trigger,
                platforms,
                started_at,
            } => {
                if self.started {
                    return Err(SyncRunError::AlreadyStarted);
                }
                Ok(vec![SyncRunEvent::RunStarted {
                    trigger,
                    platforms,
                    started_at,
                }])
            }
            _ if !self.started => Err(SyncRunError::NotStarted),
            _ if self.finished => Err(SyncRunError::Finished),
            SyncRunCommand::Record {
                platform,
                report,
                synced_at,
            } => {
                if !self.outstanding.contains(&platform) {
                    return Err(SyncRunError::UnexpectedPlatform { platform });
                }
                Ok(vec![SyncRunEvent::PlatformSynced {
                    platform,
                    report,
                    synced_at,
                }])
            }
            SyncRunCommand::Finish { finished_at } => {
                Ok(vec![SyncRunEvent::RunFinished { finished_at }])
            }
        }
    }
}

crate::decide::aggregate!(
    SyncRun,
    "sync_run",
    SyncRunCommand,
    SyncRunEvent,
    SyncRunError
);

impl SyncRun {
    /// Folds one event into the state: cqrs-es's `apply`.
    fn fold(&mut self, event: SyncRunEvent) {
        match event {
            SyncRunEvent::RunStarted { platforms, .. } => {
                self.started = true;
                self.outstanding = platforms;
            }
            SyncRunEvent::PlatformSynced { platform, .. } => {
                self.outstanding.retain(|p| *p != platform)
            }
            SyncRunEvent::RunFinished { .. } => self.finished = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use cqrs_es::test::TestFramework;

    use super::*;

    type RunTest = TestFramework<SyncRun>;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 6, minute, 0).unwrap()
    }

    fn started() -> SyncRunEvent {
        SyncRunEvent::RunStarted {
            trigger: Trigger::Schedule,
            platforms: vec![Platform::Ebay, Platform::Reverb],
            started_at: at(0),
        }
    }

    fn record(platform: Platform) -> SyncRunCommand {
        SyncRunCommand::Record {
            platform,
            report: PlatformReport::default(),
            synced_at: at(1),
        }
    }

    #[test]
    fn each_platform_of_a_run_is_reported_once() {
        RunTest::with(())
            .given(vec![started()])
            .when(record(Platform::Ebay))
            .then_expect_events(vec![SyncRunEvent::PlatformSynced {
                platform: Platform::Ebay,
                report: PlatformReport::default(),
                synced_at: at(1),
            }]);
        RunTest::with(())
            .given(vec![
                started(),
                SyncRunEvent::PlatformSynced {
                    platform: Platform::Ebay,
                    report: PlatformReport::default(),
                    synced_at: at(1),
                },
            ])
            .when(record(Platform::Ebay))
            .then_expect_error(SyncRunError::UnexpectedPlatform {
                platform: Platform::Ebay,
            });
        RunTest::with(())
            .given(vec![started()])
            .when(record(Platform::Vr))
            .then_expect_error(SyncRunError::UnexpectedPlatform {
                platform: Platform::Vr,
            });
    }

    #[test]
    fn a_finished_run_takes_no_more_reports() {
        RunTest::with(())
            .given(vec![
                started(),
                SyncRunEvent::RunFinished { finished_at: at(2) },
            ])
            .when(record(Platform::Reverb))
            .then_expect_error(SyncRunError::Finished);
    }

    #[test]
    fn a_run_is_started_once() {
        RunTest::with(())
            .given(vec![started()])
            .when(SyncRunCommand::Start {
                trigger: Trigger::Manual,
                platforms: vec![],
                started_at: at(3),
            })
            .then_expect_error(SyncRunError::AlreadyStarted);
    }
}
