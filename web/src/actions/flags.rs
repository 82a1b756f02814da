//! Closing a flag.

use cqrs_es::Aggregate;
use riff_domain::value::Sku;
use riff_domain::{EventMetadata, Listing, ListingCommand, Product, ProductCommand};
use riff_projections::view::flags::{self, FlagRow};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Closes a flag with a note (who and when come from `meta`), and waits
/// until the flags view shows it.
///
/// # Errors
/// `404` unknown flag; `409` already resolved; the store failed.
pub async fn resolve_flag(
    state: &AppState,
    id: i64,
    note: String,
    meta: &EventMetadata,
) -> Result<FlagRow, ApiError> {
    let flag = find_flag(state, id).await?;
    let sequence = u64::try_from(flag.sequence).unwrap_or_default();
    if flag.aggregate_type == Product::TYPE {
        let sku = Sku::parse(&flag.aggregate_id)?;
        state
            .ledger
            .product(&sku, ProductCommand::ResolveFlag { sequence, note }, meta)
            .await?;
        state
            .caught_up_with(Product::TYPE, &flag.aggregate_id)
            .await?;
    } else {
        let listing = Uuid::parse_str(&flag.aggregate_id).map_err(|e| {
            ApiError::Internal(format!(
                "flag {id} names listing {}: {e}",
                flag.aggregate_id
            ))
        })?;
        state
            .ledger
            .listing(
                listing,
                ListingCommand::ResolveFlag { sequence, note },
                meta,
            )
            .await?;
        state
            .caught_up_with(Listing::TYPE, &flag.aggregate_id)
            .await?;
    }
    find_flag(state, id).await
}

/// The flag `id`, or `404`.
///
/// # Errors
/// No flag has that id; the store failed.
pub async fn find_flag(state: &AppState, id: i64) -> Result<FlagRow, ApiError> {
    flags::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no flag has id {id}")))
}
