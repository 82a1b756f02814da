//! Moving the log: `riff store copy` (to another database), `riff backup`
//! (to a file) and `riff restore` (from one). They share the progress bar.

use anyhow::Context;
use riff_projections::Db;

use crate::store::Step;

/// A progress bar on standard error (drawn only when that is a terminal)
/// for the steps of a move.
fn move_bar() -> anyhow::Result<(indicatif::ProgressBar, impl FnMut(Step))> {
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg:10} {bar:40} {pos}/{len} events  ETA {eta}")
            .context("the progress bar template")?,
    );
    let shown = bar.clone();
    let step = move |step| {
        let (message, done, total) = match step {
            Step::Events { done, total } => ("copying", done, total),
            Step::Replaying { done, total } => ("replaying", done, total),
        };
        shown.set_message(message);
        shown.set_length(total);
        shown.set_position(done);
    };
    Ok((bar, step))
}

/// Databases that are not there yet are created (SQLite) and brought to
/// the current schema.
pub(super) async fn copy(source_url: &str, target_url: &str) -> anyhow::Result<()> {
    let source = super::open(source_url).await?;
    let target = open_target(target_url).await?;
    let (bar, step) = move_bar()?;
    let copied = crate::store::copy(&source, &target, step).await;
    bar.finish_and_clear();
    let copied = copied.context("the copy stopped; run it again to go on where it stopped")?;
    if let Some(position) = copied.resumed_after {
        println!("Went on after position {position}, where an earlier copy stopped.");
    }
    println!(
        "Copied {} events and {} other rows from {} to {}, and rebuilt the views there.\n\
         Both logs hold {} events with head hash {}.",
        copied.log.events,
        copied.kept_rows,
        source.backend().as_str(),
        target.backend().as_str(),
        copied.log.events,
        copied
            .log
            .head
            .as_deref()
            .unwrap_or("none (the log is empty)"),
    );
    Ok(())
}

pub(super) async fn backup(database_url: &str, out: &std::path::Path) -> anyhow::Result<()> {
    let db = super::open(database_url).await?;
    let (bar, step) = move_bar()?;
    let header = crate::store::backup(&db, out, step).await;
    bar.finish_and_clear();
    let header = header?;
    println!(
        "Backed up {} events (head hash {}) to {}.",
        header.events,
        header.head.as_deref().unwrap_or("none"),
        out.display()
    );
    Ok(())
}

pub(super) async fn restore(file: &std::path::Path, target_url: &str) -> anyhow::Result<()> {
    let target = open_target(target_url).await?;
    let (bar, step) = move_bar()?;
    let header = crate::store::restore(file, &target, step).await;
    bar.finish_and_clear();
    let header = header?;
    println!(
        "Restored {} events (head hash {}, as the backup of {} says) into the {} database, and rebuilt the views.",
        header.events,
        header.head.as_deref().unwrap_or("none"),
        header.created_at.to_rfc3339(),
        target.backend().as_str()
    );
    Ok(())
}

/// The database given with `--to`, brought to the current schema (a
/// SQLite file that is not there yet is created).
async fn open_target(target_url: &str) -> anyhow::Result<Db> {
    let target = Db::connect(target_url)
        .await
        .context("cannot open the database given with --to")?;
    target
        .migrate()
        .await
        .context("migrations failed on the database given with --to")?;
    Ok(target)
}
