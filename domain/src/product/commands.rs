//! What can be asked of a product.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::policy::{PlatformPriority, Sale};
use crate::value::{Media, Money, Platform, ProductDetails, Sku};

/// Where a product came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProductSource {
    /// Typed in by a user (web, API or CLI).
    Manual,
    /// Created from a listing found on a platform that Riff did not make.
    Imported {
        platform: Platform,
        external_id: String,
    },
}

/// A change to some of a product's editable fields at once, applied
/// atomically: either every part is valid or nothing is recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    pub details: Option<ProductDetails>,
    pub price: Option<Money>,
    pub quantity: Option<u32>,
    /// The version the editor saw; a stale one is refused so that two people
    /// editing at once do not silently overwrite each other.
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductCommand {
    Create {
        sku: Sku,
        details: ProductDetails,
        price: Money,
        quantity: u32,
        source: ProductSource,
        /// Save it as a draft, not for sale until activated.
        draft: bool,
    },
    Revise(Revision),
    /// Make a draft ready for sale, at `price` or the price it has.
    Activate {
        price: Option<Money>,
    },
    /// Bring an archived product back, active, without listing it again.
    Restore,
    AttachMedia {
        media: Media,
    },
    RemoveMedia {
        media_id: Uuid,
    },
    /// Put the product's media in this order: every attached id, once.
    ReorderMedia {
        order: Vec<Uuid>,
    },
    /// Record a sale from any channel. The priority breaks exact ties.
    RecordSale {
        sale: Sale,
        priority: PlatformPriority,
        /// The product's quantity already leaves this sale's units out: it
        /// was imported from the platform's remaining quantity, after the
        /// sale. The sale is recorded for the reports and takes nothing.
        counted: bool,
    },
    Archive {
        reason: Option<String>,
    },
    /// Close the flag raised by the product's event number `sequence`.
    ResolveFlag {
        sequence: u64,
        note: String,
    },
}
