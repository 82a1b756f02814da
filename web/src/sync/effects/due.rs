//! When the outbox's work is due: a retry when its attempt says, a
//! revision once the edits have gathered, anything else now.

use std::time::Duration;

use chrono::{DateTime, Utc};
use riff_domain::policy::revision_due;
use riff_domain::ListingStatus;
use riff_projections::view::listing_index::{self, IndexedListing};

use crate::sync::attempts::{self, Attempt, Kind};
use crate::sync::{Engine, SyncError};

/// How long until the next piece of work is due; `None` when there is none.
///
/// # Errors
/// The database failed.
pub async fn next_due_in(engine: &Engine) -> Result<Option<Duration>, SyncError> {
    let work = listing_index::awaiting_effects(&engine.db).await?;
    let known = attempts::all(&engine.db).await?;
    let now = Utc::now();
    Ok(work
        .iter()
        .filter(|listing| engine.platforms.contains_key(&listing.platform))
        .filter_map(|listing| {
            let kind = kind_of(listing)?;
            let attempt = known.get(&(listing.listing_id.to_string(), kind));
            Some(
                (due_at(engine, listing, kind, attempt) - now)
                    .to_std()
                    .unwrap_or_default(),
            )
        })
        .min())
}

/// When the work on `listing` is due: a retry when its attempt says; a
/// revision once the edits have gathered (`revision_due`); anything else
/// now.
pub(super) fn due_at(
    engine: &Engine,
    listing: &IndexedListing,
    kind: Kind,
    attempt: Option<&Attempt>,
) -> DateTime<Utc> {
    if let Some(attempt) = attempt {
        return attempt.next_attempt_at;
    }
    // The listing's last event is its last revise request.
    match (kind, listing.updated_at) {
        (Kind::Revise, Some(at)) => revision_due(
            at,
            engine.revise_delay,
            listing.published_quantity,
            listing.revise_quantity,
        ),
        _ => DateTime::UNIX_EPOCH,
    }
}

pub(super) fn kind_of(listing: &IndexedListing) -> Option<Kind> {
    match listing.status {
        ListingStatus::Pending => Some(Kind::Publish),
        ListingStatus::Ending => Some(Kind::End),
        ListingStatus::Live if listing.revise_pending => Some(Kind::Revise),
        _ => None,
    }
}
