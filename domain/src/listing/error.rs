//! Why a listing command was refused.

use crate::product::ProductStatus;
use crate::value::{InvalidValue, Sku};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("no such listing; it may have been requested from another Riff database")]
    NotFound,
    #[error("this listing already exists")]
    AlreadyExists,
    /// Only an active product can be put on a marketplace.
    #[error("the product is {}; only an active product can be listed", status.as_str())]
    ProductNotListable { status: ProductStatus },
    #[error("the listing is {status}, so it cannot be {action}")]
    WrongState {
        status: &'static str,
        action: &'static str,
    },
    #[error(
        "there is no open flag from event {sequence} of this listing; it may be resolved already"
    )]
    FlagNotOpen { sequence: u64 },
    #[error("the listing is already linked to product {sku}")]
    AlreadyLinked { sku: Sku },
    /// A text the command carries cannot be kept (`crate::value::text`).
    #[error(transparent)]
    Invalid(#[from] InvalidValue),
}
