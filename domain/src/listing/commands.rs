//! What can be asked of a listing. Commands that report what a platform did
//! carry the platform's own time; the domain never reads a clock.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EndReason, EndedBy, ExternalSnapshot, PlatformAttributes};
use crate::product::ProductStatus;
use crate::value::{Currency, Money, Platform, Sku};

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
