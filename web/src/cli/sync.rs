//! `riff sync`: one reconcile of the configured platforms, then everything
//! it caused (imports, ends, updates), then a summary. For cron, for a first
//! import, and for an operator checking that everything is in step.

use std::sync::Arc;

use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;
use riff_projections::{view, Db, Projector};
use serde_json::json;

use crate::config::Config;
use crate::ledger::Ledger;
use crate::metrics::Metrics;
use crate::sync::{EffectCounts, Engine, RunSummary, Shop, SyncError};

/// What `riff sync` reports back to the shell.
pub enum Outcome {
    /// Every platform synced: exit 0.
    Synced,
    /// Some platform did not (the others did): exit 2.
    SomeFailed,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncCliError {
    #[error("cannot open the database at DATABASE_URL: {0}")]
    Database(#[from] riff_projections::ProjectionError),
    #[error("{0}")]
    Settings(String),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// Runs the command and prints its summary.
///
/// # Errors
/// The database or the settings are unusable; marketplace failures are in
/// the summary (and the outcome) instead.
pub async fn run(
    config: &Config,
    platform: Option<Platform>,
    as_json: bool,
) -> Result<Outcome, SyncCliError> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let (platforms, problems) = config.marketplaces().configured();
    if let Some(problem) = problems.first() {
        return Err(SyncCliError::Settings(problem.to_string()));
    }
    let chosen: Vec<Platform> = match platform {
        Some(p) => vec![p],
        None => platforms.keys().copied().collect(),
    };
    if chosen.is_empty() {
        return Err(SyncCliError::Settings(
            "no marketplace is configured; set at least one platform's credentials \
             (README, Configuration), or try `riff sim`"
                .to_owned(),
        ));
    }
    let projector = Arc::new(Projector::new(db.clone(), view::all()).await?);
    let engine = Engine::new(
        db.clone(),
        Arc::new(Ledger::new(&db)),
        projector,
        platforms,
        Shop::from(config),
        Arc::new(Metrics::default()),
    );
    let (summary, effects) = engine.sync_once(&chosen, Trigger::Cli).await?;
    db.close().await;
    if as_json {
        println!("{}", to_json(&summary, &effects));
    } else {
        print_table(&summary, &effects);
    }
    Ok(if summary.succeeded() {
        Outcome::Synced
    } else {
        Outcome::SomeFailed
    })
}

fn to_json(summary: &RunSummary, effects: &EffectCounts) -> serde_json::Value {
    json!({
        "run_id": summary.run_id,
        "platforms": summary.platforms.iter().map(|(platform, report)| {
            (platform.as_str().to_owned(), json!({
                "requests": report.requests,
                "listings": report.listings,
                "sales": report.sales,
                "detected": report.detected,
                "ended_elsewhere": report.ended_elsewhere,
                "drifted": report.drifted,
                "errors": report.errors,
            }))
        }).collect::<serde_json::Map<_, _>>(),
        "effects": effects,
    })
}

fn print_table(summary: &RunSummary, effects: &EffectCounts) {
    println!("Sync run {}", summary.run_id);
    println!(
        "{:<16} {:>8} {:>8} {:>6} {:>8} {:>14} {:>8}",
        "platform", "requests", "listings", "sales", "detected", "ended elsewhere", "drifted"
    );
    for (platform, report) in &summary.platforms {
        println!(
            "{:<16} {:>8} {:>8} {:>6} {:>8} {:>14} {:>8}",
            platform.display_name(),
            report.requests,
            report.listings,
            report.sales,
            report.detected,
            report.ended_elsewhere,
            report.drifted
        );
        for error in &report.errors {
            println!("  ! {error}");
        }
    }
    println!(
        "Then: {} published, {} updated, {} ended, {} failed (see the flags).",
        effects.published, effects.revised, effects.ended, effects.failed
    );
}
