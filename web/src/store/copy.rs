//! `riff store copy`: a shop's whole log and kept tables from one database
//! into another, SQLite to PostgreSQL or back.

use riff_projections::archive;
use riff_projections::Db;

use super::{finish, LogSummary, Step, TargetError, BATCH};

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Both logs, found equal.
    pub log: LogSummary,
    /// Where an interrupted copy was taken up again.
    pub resumed_after: Option<i64>,
    /// Rows of the tables no replay rebuilds.
    pub kept_rows: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the source database (DATABASE_URL) failed: {0}")]
    Source(sqlx::Error),
    #[error("the target already holds {events} events that are not the start of this shop's log; copy into an empty database")]
    TargetNotEmpty { events: u64 },
    #[error(transparent)]
    Target(#[from] TargetError),
}

fn target(error: impl Into<TargetError>) -> CopyError {
    CopyError::Target(error.into())
}

/// Copies `source`'s log, up to the last event committed when it starts,
/// and its kept tables into `target`, rebuilds the views there, and checks
/// that both logs have the same count and head hash.
///
/// A target holding the start of this same log (a copy interrupted, or
/// one made before the source took more sales) is taken up where it
/// stopped; any other target that holds events is refused.
///
/// # Errors
/// Either database failed, the target holds another log, or the copy
/// came out different (it stops at the first event whose link differs).
pub async fn copy(
    source: &Db,
    target_db: &Db,
    mut progress: impl FnMut(Step),
) -> Result<Copied, CopyError> {
    let end = archive::stable_end(&source.store)
        .await
        .map_err(CopyError::Source)?;
    let (events, head) = archive::summary_at(&source.store, end)
        .await
        .map_err(CopyError::Source)?;
    let expected = LogSummary { events, head };

    let held = archive::event_count(&target_db.store)
        .await
        .map_err(target)?;
    let mut resumed_after = None;
    if held > 0 {
        let last = archive::last_link(&target_db.store).await.map_err(target)?;
        let same = match &last {
            Some((position, link)) => {
                archive::link_at(&source.store, *position)
                    .await
                    .map_err(CopyError::Source)?
                    .as_ref()
                    == Some(link)
            }
            None => false,
        };
        if !same {
            return Err(CopyError::TargetNotEmpty { events: held });
        }
        resumed_after = last.map(|(position, _)| position);
    }

    let mut after = resumed_after.unwrap_or(0);
    let mut done = held;
    progress(Step::Events {
        done,
        total: expected.events,
    });
    loop {
        let page = archive::read_events(&source.store, after, end)
            .await
            .map_err(CopyError::Source)?;
        let Some(last) = page.last() else { break };
        after = last.event.position;
        for batch in page.chunks(BATCH) {
            archive::write_events(&target_db.store, batch)
                .await
                .map_err(target)?;
            done += batch.len() as u64;
            progress(Step::Events {
                done,
                total: expected.events,
            });
        }
    }

    let kept = archive::read_kept(source)
        .await
        .map_err(CopyError::Source)?;
    archive::write_kept(target_db, &kept)
        .await
        .map_err(target)?;
    finish(target_db, &expected, &mut progress).await?;
    Ok(Copied {
        log: expected,
        resumed_after,
        kept_rows: kept.len(),
    })
}
