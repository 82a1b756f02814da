//! What can be asked of a listing. Commands that report what a platform did
//! carry the platform's own time; the domain never reads a clock.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EndReason, EndedBy, ExternalSnapshot, PlatformAttributes};
use crate::product::ProductStatus;
use crate::value::{text, Currency, InvalidValue, Money, Platform, Sku};

/// One sale a platform reported on one listing, as reconcile finds it
/// (`policy::Change::Sold`) and the listing records it (`SoldOn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoldLine {
    pub order_ref: String,
    /// The order number the seller sees on the platform, where it has one.
    pub order_number: Option<String>,
    pub sold_at: DateTime<Utc>,
    pub price: Money,
    pub quantity: u32,
    /// False only when the platform still shows the listing live with
    /// units left (a stocked item); the listing then stays up.
    pub sold_out: bool,
}

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
    RecordSoldOn(SoldLine),
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
    /// Whether the command makes the listing (every other one needs it
    /// made).
    pub(crate) fn makes_a_listing(&self) -> bool {
        matches!(self, Self::Request { .. } | Self::Detect { .. })
    }

    pub(crate) fn made_safe(mut self) -> Result<Self, InvalidValue> {
        let note = |m: &mut String| *m = text::sanitized(m, text::MAX_NOTE);
        match &mut self {
            Self::ConfirmListed {
                external_id, url, ..
            } => {
                *external_id = text::line("external_id", external_id, text::MAX_ID)?;
                *url = safe_url(url.take());
            }
            Self::Detect {
                external_id,
                snapshot,
                ..
            } => {
                *external_id = text::line("external_id", external_id, text::MAX_ID)?;
                snapshot.sku = snapshot
                    .sku
                    .take()
                    .map(|s| text::sanitized(&s, text::MAX_ID));
                note(&mut snapshot.title);
                snapshot.url = safe_url(snapshot.url.take());
                text::scrub_json(&mut snapshot.raw);
            }
            Self::FailPublish { message, .. }
            | Self::FailRevise { message, .. }
            | Self::FailEnd { message, .. } => note(message),
            Self::RecordSoldOn(line) => {
                line.order_ref = text::key(&line.order_ref);
                line.order_number = line
                    .order_number
                    .take()
                    .map(|n| text::sanitized(&n, text::MAX_ID))
                    .filter(|n| !n.is_empty());
            }
            Self::SuspectDuplicate { reason, .. } | Self::HoldImport { reason } => note(reason),
            Self::RecordDrift {
                field,
                riff_value,
                platform_value,
            } => {
                note(field);
                note(riff_value);
                note(platform_value);
            }
            Self::ResolveFlag { note, .. } => {
                text::paragraph("note", note, text::MAX_NOTE)?;
            }
            _ => {}
        }
        Ok(self)
    }
}

/// A listing's address as the platform gave it, or none when it is too
/// long or unclean to keep (the listing is still reached by its id).
fn safe_url(url: Option<String>) -> Option<String> {
    url.filter(|u| text::line("url", u, text::MAX_URL).is_ok())
}
