//! What has happened to a listing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ListingStatus, PlatformAttributes};
use crate::decide::domain_event;
use crate::value::{Currency, Money, Platform, Sku};

/// Why a listing is being ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The item sold on another channel: the sale saga's reason.
    SoldElsewhere,
    /// The product was archived or withdrawn.
    Removed,
    /// A user asked for it.
    Manual,
}

/// Who ended a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// Riff asked the platform and it confirmed.
    Riff,
    /// The platform had already ended it (by the seller on the site, or by
    /// expiry); seen by a reconcile or when Riff's end call said so.
    Platform,
}

/// A listing as a platform showed it, kept verbatim when Riff finds one it
/// did not make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalSnapshot {
    pub sku: Option<String>,
    pub title: String,
    pub price: Option<Money>,
    pub quantity: Option<u32>,
    pub url: Option<String>,
    /// The platform's own record, as received, for the audit history.
    pub raw: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListingEvent {
    ListingRequested {
        listing_id: Uuid,
        sku: Sku,
        platform: Platform,
        attributes: PlatformAttributes,
    },
    Listed {
        external_id: String,
        url: Option<String>,
        listed_at: DateTime<Utc>,
        /// What was published: a reconcile measures drift against it.
        /// Absent from events recorded before Riff kept it.
        #[serde(default)]
        price: Option<Money>,
        #[serde(default)]
        quantity: Option<u32>,
        /// The version of the product (the sequence of its last event) the
        /// listing was published from: an edit at or before it is shown
        /// already. Absent from events recorded before Riff kept it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shown_version: Option<u64>,
        /// What was sent, as digests: the next revision sends only what
        /// differs. Absent from events recorded before Riff kept it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent: Option<super::sent::Sent>,
    },
    PublishFailed {
        message: String,
        attempts: u32,
    },
    /// The product's price or quantity changed while the listing was up:
    /// the effects worker pushes the product's current values.
    ReviseRequested {
        price: Money,
        quantity: u32,
    },
    ListingRevised {
        price: Option<Money>,
        quantity: Option<u32>,
        /// The version of the product the listing shows now; absent from
        /// events recorded before Riff kept it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shown_version: Option<u64>,
        /// What the listing was sent in all, as digests, after this
        /// revision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent: Option<super::sent::Sent>,
    },
    ReviseFailed {
        message: String,
        attempts: u32,
    },
    EndRequested {
        reason: EndReason,
    },
    Ended {
        ended_at: DateTime<Utc>,
        by: EndedBy,
    },
    EndFailed {
        message: String,
        attempts: u32,
    },
    SoldOn {
        platform: Platform,
        /// The product the listing was linked to when it sold, which the
        /// sale goes to; `None` for a listing not linked yet (its sales go
        /// to the product it is linked to later). Version 2: events
        /// recorded before say `None` (`upcast`).
        sku: Option<Sku>,
        order_ref: String,
        /// The order number the seller sees on the platform; absent from
        /// events recorded before Riff kept it, and on V&R, which has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_number: Option<String>,
        sold_at: DateTime<Utc>,
        price: Money,
        quantity: u32,
        /// Whether the listing is gone from the platform with this sale. A
        /// stocked item with units left stays up; events recorded before
        /// Riff kept this were all one-off sales.
        #[serde(default = "sold_out_by_default")]
        sold_out: bool,
    },
    ExternallyDetected {
        listing_id: Uuid,
        platform: Platform,
        external_id: String,
        snapshot: ExternalSnapshot,
        detected_at: DateTime<Utc>,
    },
    LinkedToProduct {
        sku: Sku,
    },
    /// A listing found on a platform looks like product `of` without
    /// carrying its SKU: left unlinked for the owner to decide.
    DuplicateSuspected {
        of: Sku,
        reason: String,
    },
    /// A listing found on a platform that Riff cannot make a product of
    /// (no price it can read): left unlinked for the owner.
    ImportHeld {
        reason: String,
    },
    /// A linked listing priced in another currency than the shop's: it
    /// keeps its own price, which Riff neither compares nor overwrites.
    CurrencyMismatched {
        listing: Currency,
        shop: Currency,
    },
    StatusDrifted {
        field: String,
        riff_value: String,
        platform_value: String,
    },
    /// The owner dealt with the flag raised by the listing's event number
    /// `sequence`.
    FlagResolved {
        sequence: u64,
        note: String,
    },
}

fn sold_out_by_default() -> bool {
    true
}

impl ListingEvent {
    /// The sale a `SoldOn` reports, as the product records it: the
    /// listing's own record of its sales and the sale saga read it alike.
    pub fn sale(&self, listing: Option<Uuid>) -> Option<crate::policy::Sale> {
        let Self::SoldOn {
            platform,
            order_ref,
            order_number,
            sold_at,
            price,
            quantity,
            ..
        } = self
        else {
            return None;
        };
        Some(crate::policy::Sale {
            channel: crate::value::SaleChannel::Platform(*platform),
            order_ref: order_ref.clone(),
            order_number: order_number.clone(),
            sold_at: *sold_at,
            price: *price,
            quantity: *quantity,
            listing,
        })
    }

    /// The status a listing has after this event, if the event changes it.
    /// The aggregate and the views both use this, so they cannot disagree.
    pub fn status_after(&self) -> Option<ListingStatus> {
        Some(match self {
            Self::ListingRequested { .. } => ListingStatus::Pending,
            Self::Listed { .. } | Self::ExternallyDetected { .. } => ListingStatus::Live,
            Self::PublishFailed { .. } => ListingStatus::Failed,
            Self::EndRequested { .. } => ListingStatus::Ending,
            Self::Ended { .. } => ListingStatus::Ended,
            // The end did not happen: the listing is still up.
            Self::EndFailed { .. } => ListingStatus::Live,
            Self::SoldOn { sold_out: true, .. } => ListingStatus::Sold,
            Self::SoldOn {
                sold_out: false, ..
            }
            | Self::ReviseRequested { .. }
            | Self::DuplicateSuspected { .. }
            | Self::ImportHeld { .. }
            | Self::CurrencyMismatched { .. }
            | Self::ListingRevised { .. }
            | Self::ReviseFailed { .. }
            | Self::LinkedToProduct { .. }
            | Self::StatusDrifted { .. }
            | Self::FlagResolved { .. } => return None,
        })
    }
}

domain_event!(ListingEvent {
    ListingRequested,
    Listed,
    PublishFailed,
    ReviseRequested,
    ListingRevised,
    ReviseFailed,
    EndRequested,
    Ended,
    EndFailed,
    SoldOn = "2.0.0",
    ExternallyDetected,
    LinkedToProduct,
    DuplicateSuspected,
    ImportHeld,
    CurrencyMismatched,
    StatusDrifted,
    FlagResolved,
});
