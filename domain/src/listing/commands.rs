//! What can be asked of a listing. Commands that report what a platform did
//! carry the platform's own time; the domain never reads a clock.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EndReason, EndedBy, ExternalSnapshot, PlatformAttributes};
use crate::product::ProductStatus;
use crate::value::{text, Currency, InvalidValue, Money, Platform, Sku};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingCommand {
    /// Put a product on a platform. The caller reads the product's status
    /// first; the listing refuses a sold or archived product.
    Request {
        listing_id: Uuid,
        sku: Sku,
        product_status: ProductStatus,
        attributes: PlatformAttributes,
    },
    ConfirmListed {
        external_id: String,
        url: Option<String>,
        listed_at: DateTime<Utc>,
        price: Money,
        quantity: u32,
        /// The product's version the published listing shows.
        shown_version: u64,
        sent: super::sent::Sent,
    },
    FailPublish {
        message: String,
        attempts: u32,
    },
    /// Push the product's new price and quantity to a live listing.
    RequestRevise {
        price: Money,
        quantity: u32,
    },
    ConfirmRevised {
        price: Option<Money>,
        quantity: Option<u32>,
        /// The product's version the revised listing shows.
        shown_version: u64,
        sent: super::sent::Sent,
    },
    FailRevise {
        message: String,
        attempts: u32,
    },
    RequestEnd {
        reason: EndReason,
    },
    ConfirmEnded {
        ended_at: DateTime<Utc>,
        by: EndedBy,
    },
    FailEnd {
        message: String,
        attempts: u32,
    },
    RecordSoldOn {
        order_ref: String,
        order_number: Option<String>,
        sold_at: DateTime<Utc>,
        price: Money,
        quantity: u32,
        sold_out: bool,
    },
    /// A listing found on a platform that no Riff listing accounts for.
    Detect {
        listing_id: Uuid,
        platform: Platform,
        external_id: String,
        snapshot: ExternalSnapshot,
        detected_at: DateTime<Utc>,
    },
    Link {
        sku: Sku,
    },
    SuspectDuplicate {
        of: Sku,
        reason: String,
    },
    HoldImport {
        reason: String,
    },
    /// The listing is priced in `listing` while the shop sells in `shop`:
    /// noted once, and flagged, when they differ.
    NoteCurrency {
        listing: Currency,
        shop: Currency,
    },
    RecordDrift {
        field: String,
        riff_value: String,
        platform_value: String,
    },
    /// Close the flag raised by the listing's event number `sequence`.
    ResolveFlag {
        sequence: u64,
        note: String,
    },
}

impl ListingCommand {
    /// The command with every text made fit for the log and the views
    /// (`crate::value::text`): what a marketplace reported is kept, made
    /// safe — an order reference becomes a [`text::key`], messages, reasons
    /// and snapshots are [`text::sanitized`], a URL too long or unclean is
    /// dropped — and what a person typed (a note) is checked.
    ///
    /// # Errors
    /// A platform's listing id that Riff could not use to reach the listing
    /// again (blank, too long, control characters), or a note that breaks
    /// its rule.
    pub(crate) fn made_safe(self) -> Result<Self, InvalidValue> {
        let message = |m: String| text::sanitized(&m, text::MAX_NOTE);
        Ok(match self {
            Self::ConfirmListed {
                external_id,
                url,
                listed_at,
                price,
                quantity,
                shown_version,
                sent,
            } => Self::ConfirmListed {
                external_id: text::line("external_id", &external_id, text::MAX_ID)?,
                url: safe_url(url),
                listed_at,
                price,
                quantity,
                shown_version,
                sent,
            },
            Self::Detect {
                listing_id,
                platform,
                external_id,
                mut snapshot,
                detected_at,
            } => {
                snapshot.sku = snapshot.sku.map(|s| text::sanitized(&s, text::MAX_ID));
                snapshot.title = text::sanitized(&snapshot.title, text::MAX_NOTE);
                snapshot.url = safe_url(snapshot.url);
                text::scrub_json(&mut snapshot.raw);
                Self::Detect {
                    listing_id,
                    platform,
                    external_id: text::line("external_id", &external_id, text::MAX_ID)?,
                    snapshot,
                    detected_at,
                }
            }
            Self::FailPublish {
                message: m,
                attempts,
            } => Self::FailPublish {
                message: message(m),
                attempts,
            },
            Self::FailRevise {
                message: m,
                attempts,
            } => Self::FailRevise {
                message: message(m),
                attempts,
            },
            Self::FailEnd {
                message: m,
                attempts,
            } => Self::FailEnd {
                message: message(m),
                attempts,
            },
            Self::RecordSoldOn {
                order_ref,
                order_number,
                sold_at,
                price,
                quantity,
                sold_out,
            } => Self::RecordSoldOn {
                order_ref: text::key(&order_ref),
                order_number: order_number
                    .map(|n| text::sanitized(&n, text::MAX_ID))
                    .filter(|n| !n.is_empty()),
                sold_at,
                price,
                quantity,
                sold_out,
            },
            Self::SuspectDuplicate { of, reason } => Self::SuspectDuplicate {
                of,
                reason: message(reason),
            },
            Self::HoldImport { reason } => Self::HoldImport {
                reason: message(reason),
            },
            Self::RecordDrift {
                field,
                riff_value,
                platform_value,
            } => Self::RecordDrift {
                field: message(field),
                riff_value: message(riff_value),
                platform_value: message(platform_value),
            },
            Self::ResolveFlag { sequence, note } => {
                text::paragraph("note", &note, text::MAX_NOTE)?;
                Self::ResolveFlag { sequence, note }
            }
            other => other,
        })
    }
}

/// A listing's address as the platform gave it, or none when it is too
/// long or unclean to keep (the listing is still reached by its id).
fn safe_url(url: Option<String>) -> Option<String> {
    url.filter(|u| text::line("url", u, text::MAX_URL).is_ok())
}
