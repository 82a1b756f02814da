//! Flags: the owner's review queue. Some events need a person — an
//! oversell, a listing nobody made in Riff, a publish that kept failing —
//! and raise a flag. Which events do, and what each flag says, is decided
//! here once: the aggregates use it to know which flags are open, the flags
//! view to show them.
//!
//! A flag is named by the event that raised it (its aggregate and
//! sequence), and resolving it is an event too: flags are never deleted.

use serde::{Deserialize, Serialize};

use crate::listing::ListingEvent;
use crate::named::named;
use crate::product::{ProductEvent, ProductSource};

/// What kind of attention a flag asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Two sales of one item: one buyer must be refunded.
    SaleConflict,
    /// A product Riff created from a listing it found on a platform: its
    /// details came from the platform and want checking.
    Imported,
    /// A listing found on a platform that looks like a product Riff has,
    /// without its SKU: link it, or import it as a product of its own.
    LikelyDuplicate,
    /// A listing found on a platform that could not be imported as it is.
    ImportHeld,
    PublishFailed,
    EndFailed,
    ReviseFailed,
    /// The platform shows a different price or quantity than Riff.
    StatusDrifted,
    /// A linked listing priced in another currency than the shop's.
    CurrencyMismatch,
}

named!(FlagKind {
    SaleConflict => "sale_conflict",
    Imported => "imported",
    LikelyDuplicate => "likely_duplicate",
    ImportHeld => "import_held",
    PublishFailed => "publish_failed",
    EndFailed => "end_failed",
    ReviseFailed => "revise_failed",
    StatusDrifted => "status_drifted",
    CurrencyMismatch => "currency_mismatch",
});

/// A flag as raised: its kind and a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub kind: FlagKind,
    pub message: String,
}

/// The flag a product event raises, if any.
pub fn raised_by_product(event: &ProductEvent) -> Option<Raised> {
    match event {
        ProductEvent::SaleConflictDetected { winner, loser, .. } => Some(Raised {
            kind: FlagKind::SaleConflict,
            message: match winner {
                Some(w) => format!(
                    "sold twice: {} order {} ({}) came first; {} order {} ({}) cannot be filled — refund or replace it",
                    w.channel, w.order_ref, w.sold_at, loser.channel, loser.order_ref, loser.sold_at
                ),
                None => format!(
                    "{} order {} ({}) found no unit in stock — refund it, or correct the quantity",
                    loser.channel, loser.order_ref, loser.sold_at
                ),
            },
        }),
        ProductEvent::ProductCreated {
            sku,
            price,
            source: ProductSource::Imported {
                platform,
                external_id,
            },
            draft: true,
            ..
        } => Some(Raised {
            kind: FlagKind::ImportHeld,
            message: format!(
                "{sku} was imported as a draft from {} listing {external_id}: it is priced only in {} ({price}), not in the shop's currency — give it a price in the shop's currency and activate it; its listings are linked meanwhile",
                platform.display_name(),
                price.currency
            ),
        }),
        ProductEvent::ProductCreated {
            sku,
            details,
            source: ProductSource::Imported {
                platform,
                external_id,
            },
            ..
        } => Some(Raised {
            kind: FlagKind::Imported,
            message: format!(
                "{sku} {:?} was imported from {} listing {external_id} — check its details, brand, category and condition",
                details.title,
                platform.display_name()
            ),
        }),
        _ => None,
    }
}

/// The flag a product event resolves, if any: the sequence of the event
/// that raised it, and the owner's note.
pub fn resolved_by_product(event: &ProductEvent) -> Option<(u64, &str)> {
    match event {
        ProductEvent::FlagResolved { sequence, note } => Some((*sequence, note)),
        _ => None,
    }
}

/// The flag a listing event resolves, if any: the sequence of the event
/// that raised it, and the owner's note.
pub fn resolved_by_listing(event: &ListingEvent) -> Option<(u64, &str)> {
    match event {
        ListingEvent::FlagResolved { sequence, note } => Some((*sequence, note)),
        _ => None,
    }
}

/// The flag a listing event raises, if any.
pub fn raised_by_listing(event: &ListingEvent) -> Option<Raised> {
    let (kind, message) = match event {
        ListingEvent::DuplicateSuspected { of, reason } => (
            FlagKind::LikelyDuplicate,
            format!(
                "found on a platform, not made by Riff, and looks like {of} ({reason}) — link it to {of}, or import it as a new product"
            ),
        ),
        ListingEvent::ImportHeld { reason } => (
            FlagKind::ImportHeld,
            format!(
                "found on a platform, not made by Riff, and not imported: {reason} — link it to a product, or correct it on the platform"
            ),
        ),
        ListingEvent::CurrencyMismatched { listing, shop } => (
            FlagKind::CurrencyMismatch,
            format!(
                "priced in {listing} on the platform, the shop in {shop}: linked, and it keeps its own price — Riff will not compare or change it; change it on the platform when the shop's price changes"
            ),
        ),
        ListingEvent::PublishFailed { message, attempts } => (
            FlagKind::PublishFailed,
            format!("publishing failed after {attempts} attempt(s): {message} — fix the item and retry"),
        ),
        ListingEvent::EndFailed { message, attempts } => (
            FlagKind::EndFailed,
            format!(
                "ending failed after {attempts} attempt(s): {message} — the listing is still up; end it on the platform by hand or retry"
            ),
        ),
        ListingEvent::ReviseFailed { message, attempts } => (
            FlagKind::ReviseFailed,
            format!("updating the listing failed after {attempts} attempt(s): {message} — retry"),
        ),
        ListingEvent::StatusDrifted {
            field,
            riff_value,
            platform_value,
        } => (
            FlagKind::StatusDrifted,
            format!(
                "the platform shows {field} {platform_value} but Riff has {riff_value} — push Riff's value or accept the platform's"
            ),
        ),
        _ => return None,
    };
    Some(Raised { kind, message })
}
