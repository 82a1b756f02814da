//! Settling a listing edited on its platform (a `status_drifted` flag):
//! the owner either takes the platform's value — an edit in Riff, which
//! then reaches the other platforms — or puts Riff's back with a revision.
//! Riff never picks for them.

use riff_domain::listing::ListingEvent;
use riff_domain::product::Revision;
use riff_domain::value::{Money, ProductDetails, Sku};
use riff_domain::{EventMetadata, ProductCommand};
use riff_projections::log::{self, RecordedEvent};
use riff_projections::view::flags::FlagRow;
use riff_projections::view::listing_index;
use uuid::Uuid;

use crate::actions;
use crate::error::ApiError;
use crate::state::AppState;

/// Which side of a drift the owner keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The platform's value becomes the product's.
    Platform,
    /// Riff's value is sent to the platform again.
    Riff,
}

impl std::str::FromStr for Keep {
    type Err = ApiError;

    fn from_str(raw: &str) -> Result<Self, ApiError> {
        match raw {
            "platform" => Ok(Self::Platform),
            "riff" => Ok(Self::Riff),
            other => Err(ApiError::invalid(
                "keep",
                format!("{other:?} is not a side: use platform or riff"),
            )),
        }
    }
}

/// What drifted, as the flag's event recorded it.
struct Drift {
    listing_id: Uuid,
    field: String,
    riff_value: String,
    platform_value: String,
}

/// Settles the drift flag `id` by keeping one side, and resolves it with a
/// note saying which.
///
/// # Errors
/// `404` unknown flag; `409` not an open drift flag, or a platform value
/// the product cannot take (a price in another currency, or on a listing
/// priced by a rule or its own price); `422` a platform's title Riff's
/// rules refuse (too long); the store failed.
pub async fn settle(
    state: &AppState,
    id: i64,
    keep: Keep,
    meta: &EventMetadata,
) -> Result<FlagRow, ApiError> {
    let flag = actions::find_flag(state, id).await?;
    if flag.kind != "status_drifted" || flag.status != "open" {
        return Err(ApiError::Conflict(format!(
            "flag {id} is not an open drift: resolve it with a note instead"
        )));
    }
    let drift = drift_of(state, &flag).await?;
    let listing = listing_index::get(&state.db, drift.listing_id)
        .await?
        .ok_or_else(|| ApiError::NotFound("the flag's listing is gone".into()))?;
    let platform = listing.platform.display_name();
    let note = match keep {
        Keep::Platform => {
            let sku = product_of(&listing)?;
            let revision = take(state, &drift, &listing).await?;
            actions::change_product(state, &sku, ProductCommand::Revise(revision), meta).await?;
            format!(
                "took {platform}'s {}: {}",
                drift.field, drift.platform_value
            )
        }
        Keep::Riff => {
            actions::revise_listing(state, drift.listing_id, meta).await?;
            format!(
                "put Riff's {} back on {platform}: {}",
                drift.field, drift.riff_value
            )
        }
    };
    actions::resolve_flag(state, id, note, meta).await
}

/// The product revision that takes the platform's value.
async fn take(
    state: &AppState,
    drift: &Drift,
    listing: &listing_index::IndexedListing,
) -> Result<Revision, ApiError> {
    let revision = Revision {
        details: None,
        price: None,
        quantity: None,
        expected_version: None,
    };
    match drift.field.as_str() {
        "title" => {
            let sku = product_of(listing)?;
            let product = state.ledger.load_product(&sku).await?;
            let mut input = product
                .details
                .ok_or_else(|| ApiError::NotFound(format!("no product has SKU {sku}")))?
                .to_input();
            input.title.clone_from(&drift.platform_value);
            Ok(Revision {
                details: Some(ProductDetails::parse(input)?),
                ..revision
            })
        }
        "quantity" => {
            let quantity = drift.platform_value.parse::<u32>().map_err(|_| {
                ApiError::Conflict(format!(
                    "the platform's quantity {:?} is not a number of units",
                    drift.platform_value
                ))
            })?;
            Ok(Revision {
                quantity: Some(quantity),
                ..revision
            })
        }
        "price" => {
            let own = state
                .ledger
                .load_listing(drift.listing_id)
                .await?
                .attributes
                .and_then(|a| a.own_price());
            let rule = state
                .ledger
                .load_settings()
                .await?
                .price_rule(listing.platform);
            if own.is_some() || rule.is_some() {
                return Err(ApiError::Conflict(format!(
                    "this {} listing is priced by its own price or the platform's rule, not the product's: change those, or put Riff's price back",
                    listing.platform.display_name()
                )));
            }
            let price = Money::parse_price(&drift.platform_value, state.currency).map_err(|_| {
                ApiError::Conflict(format!(
                    "the platform's price {} is not in the shop's currency ({}): put Riff's back, or change the product's price by hand",
                    drift.platform_value, state.currency
                ))
            })?;
            Ok(Revision {
                price: Some(price),
                ..revision
            })
        }
        other => Err(ApiError::Conflict(format!(
            "Riff cannot take a platform's {other}: put Riff's back, or edit the product"
        ))),
    }
}

/// The product whose listing drifted. Reconcile reports drift on linked
/// listings only; a listing linked to none is refused as an empty SKU.
fn product_of(listing: &listing_index::IndexedListing) -> Result<Sku, ApiError> {
    listing
        .sku
        .clone()
        .ok_or_else(|| ApiError::invalid("sku", "must not be empty"))
}

/// The drift the flag was raised for, read from its event in the log.
async fn drift_of(state: &AppState, flag: &FlagRow) -> Result<Drift, ApiError> {
    let listing_id = Uuid::parse_str(&flag.aggregate_id)
        .map_err(|_| ApiError::Internal(format!("flag {} names no listing", flag.id)))?;
    let events = log::events_of(&state.db, &[("listing", flag.aggregate_id.as_str())]).await?;
    let stored = events
        .iter()
        .find(|e| e.sequence == flag.sequence)
        .ok_or_else(|| ApiError::Internal(format!("flag {}'s event is not in the log", flag.id)))?;
    match stored.decode()?.event {
        RecordedEvent::Listing(ListingEvent::StatusDrifted {
            field,
            riff_value,
            platform_value,
        }) => Ok(Drift {
            listing_id,
            field,
            riff_value,
            platform_value,
        }),
        _ => Err(ApiError::Internal(format!(
            "flag {}'s event is not a drift",
            flag.id
        ))),
    }
}
