//! Why a product command was refused. Each message says what to do.

use crate::value::{InvalidValue, Sku};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductError {
    /// The command needs an existing product.
    #[error("no product has this SKU; create it first")]
    NotFound,
    /// A product with this SKU exists already. SKUs are unique and never
    /// reused, so choose another or edit the existing product.
    #[error("a product with SKU {sku} already exists; choose another SKU or edit that product")]
    AlreadyExists { sku: Sku },
    /// Someone else changed the product since the editor loaded it.
    #[error("the product changed since version {expected} (it is now at {actual}); reload it and apply your change again")]
    StaleVersion { expected: u64, actual: u64 },
    /// Archived products are kept for the record and cannot change.
    #[error("the product is archived and cannot be changed")]
    Archived,
    #[error("the product has no media with that id; reload the page")]
    MediaNotFound,
    /// A new order must name every attached medium once, and nothing else.
    #[error("the new order does not list the product's media exactly once each; reload the page")]
    MediaOrderMismatch,
    #[error(
        "there is no open flag from event {sequence} of this product; it may be resolved already"
    )]
    FlagNotOpen { sequence: u64 },
    #[error("a sale must be of at least one unit")]
    EmptySale,
    /// A text the command carries breaks its field's rule
    /// (`crate::value::text`): refused before anything is appended.
    #[error(transparent)]
    Invalid(#[from] InvalidValue),
    #[error("the price is in {given}, but the product is priced in {expected}")]
    CurrencyMismatch { given: String, expected: String },
}
