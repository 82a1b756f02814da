//! `riff replay`: rebuild views from the event log, from position zero.

use anyhow::Context;
use riff_projections::{replay, view};

pub(super) async fn run(database_url: &str, names: &[String]) -> anyhow::Result<()> {
    let all = view::all();
    let chosen: Vec<_> = if names.is_empty() {
        all
    } else {
        let known: Vec<&str> = all.iter().map(|v| v.name()).collect();
        if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
            anyhow::bail!(
                "there is no view {unknown:?}; the views are {}",
                known.join(", ")
            );
        }
        all.into_iter()
            .filter(|v| names.iter().any(|n| n == v.name()))
            .collect()
    };
    let db = super::open(database_url).await?;
    let bar = super::events_bar()?;
    let started = std::time::Instant::now();
    let replayed = replay::rebuild(&db, &chosen, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("the replay failed; the views are unchanged")?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let names: Vec<&str> = chosen.iter().map(|v| v.name()).collect();
    println!(
        "Rebuilt {} from {} events in {secs:.1} s ({:.0} events/s); the views stand at position {}.",
        names.join(", "),
        replayed.events,
        replayed.events as f64 / secs.max(0.001),
        replayed.position
    );
    Ok(())
}
