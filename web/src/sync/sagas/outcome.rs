//! What a saga does with the outcome of an append: a refusal is a state
//! the saga need not act on, and is logged; a store failure stops the
//! saga, which reads the batch again later.

use riff_domain::listing::EndReason;
use riff_domain::{EventMetadata, ListingCommand};
use uuid::Uuid;

use crate::ledger::LedgerError;
use crate::sync::{Engine, SyncError};

pub(super) async fn request_end(
    engine: &Engine,
    listing_id: Uuid,
    reason: EndReason,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    listing_command(
        engine,
        listing_id,
        ListingCommand::RequestEnd { reason },
        meta,
    )
    .await
}

/// Runs a listing command whose refusal is a state the saga need not act on
/// (logged), and whose store failure stops the saga (retried later).
pub(super) async fn listing_command(
    engine: &Engine,
    listing_id: Uuid,
    command: ListingCommand,
    meta: &EventMetadata,
) -> Result<(), SyncError> {
    let outcome = engine.ledger.listing(listing_id, command, meta).await;
    refusal_is_fine(
        outcome,
        |_| false,
        || format!("listing {listing_id} refused the saga's command"),
    )
}

/// Settles a saga's append whose refusal is a state the saga need not act
/// on: a refusal `expected` names passes quietly, any other is logged as
/// `what` says; a store failure stops the saga, which reads the batch
/// again later.
pub(super) fn refusal_is_fine<E: std::error::Error>(
    outcome: Result<(), LedgerError<E>>,
    expected: impl Fn(&E) -> bool,
    what: impl Fn() -> String,
) -> Result<(), SyncError> {
    match outcome {
        Ok(()) => Ok(()),
        Err(LedgerError::Rejected(refused)) if expected(&refused) => Ok(()),
        Err(LedgerError::Rejected(refused)) => {
            tracing::warn!(%refused, "{}", what());
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}
