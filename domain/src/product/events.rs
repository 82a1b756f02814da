//! What has happened to a product. Events carry every fact a view needs, so
//! that views never re-derive a rule.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ProductSource;
use crate::decide::domain_event;
use crate::policy::Sale;
use crate::value::{Media, Money, ProductDetails, Sku};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductEvent {
    ProductCreated {
        sku: Sku,
        details: ProductDetails,
        price: Money,
        quantity: u32,
        source: ProductSource,
        /// Saved as a draft: not listable until activated. Absent from
        /// events recorded before drafts existed, which were all active.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        draft: bool,
    },
    /// A draft made ready for sale, at `price` (in the shop's currency).
    ProductActivated {
        price: Money,
    },
    /// An archived product back in the catalogue, its listings not
    /// restored: the owner lists it again where they want it.
    ProductRestored,
    DetailsRevised {
        details: ProductDetails,
    },
    PriceChanged {
        previous: Money,
        price: Money,
    },
    QuantityAdjusted {
        previous: u32,
        quantity: u32,
    },
    MediaAttached {
        media: Media,
    },
    MediaRemoved {
        media_id: Uuid,
    },
    /// The media, all of them, in their new order (the first is the main
    /// picture on every marketplace).
    MediaReordered {
        order: Vec<Uuid>,
    },
    /// A sale that took units. `remaining` is what is left on hand; zero
    /// means sold out.
    ProductSold {
        sale: Sale,
        remaining: u32,
    },
    /// An oversell: `loser` found no unit left. When `winner` is a sale not
    /// yet recorded it takes the loser's units (it came first).
    SaleConflictDetected {
        winner: Option<Sale>,
        loser: Sale,
        remaining: u32,
    },
    ProductArchived {
        reason: Option<String>,
    },
    /// The owner dealt with the flag raised by the product's event number
    /// `sequence`.
    FlagResolved {
        sequence: u64,
        note: String,
    },
}

domain_event!(ProductEvent {
    // 2.0.0: version 1.0.0 knew only one-off manual items, with no
    // `quantity` or `source`.
    ProductCreated = "2.0.0",
    DetailsRevised,
    PriceChanged,
    QuantityAdjusted,
    MediaAttached,
    MediaRemoved,
    MediaReordered,
    ProductSold,
    SaleConflictDetected,
    ProductArchived,
    ProductActivated,
    ProductRestored,
    FlagResolved,
});
