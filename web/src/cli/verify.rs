//! `riff verify`: walk the log's hash chain.

use anyhow::Context;
use riff_projections::log::chain;

/// Walks the log's hash chain; `false` when it breaks.
pub(super) async fn run(
    database_url: &str,
    json: bool,
    expect: Option<&str>,
) -> anyhow::Result<bool> {
    let kept = expect
        .map(|head| {
            hex::decode(head.trim())
                .ok()
                .and_then(|bytes| chain::Link::try_from(bytes).ok())
                .with_context(|| {
                    format!("--expect {head:?} is not a head hash: 64 hexadecimal digits, as `riff verify` prints")
                })
        })
        .transpose()?;
    let db = super::open(database_url).await?;
    let bar = super::events_bar()?;
    let found = chain::verify(&db.store, kept, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("could not read the log")?;
    bar.finish_and_clear();
    if json {
        println!("{}", serde_json::to_string(&found)?);
    } else if found.ok {
        println!(
            "The log's {} events are intact. Head hash: {}",
            found.events,
            found.head.as_deref().unwrap_or("none (the log is empty)")
        );
        if let Some(position) = found.kept_head_position {
            println!("The head hash kept is the link of the event at position {position}: nothing up to it has changed.");
        }
    } else if found.first_bad_position.is_none() {
        println!(
            "The log's {} events are linked, but {}.",
            found.events,
            found
                .problem
                .as_deref()
                .unwrap_or("the head hash kept is not among them")
        );
    } else {
        println!(
            "The log's hash chain breaks at position {}: {}.\nThe {} events before it are intact (head hash {}).",
            found.first_bad_position.unwrap_or_default(),
            found.problem.as_deref().unwrap_or("its link does not match"),
            found.events,
            found.head.as_deref().unwrap_or("none"),
        );
    }
    Ok(found.ok)
}
