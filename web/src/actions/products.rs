//! Creating and changing products.

use cqrs_es::Aggregate;
use riff_domain::product::ProductSource;
use riff_domain::value::{Money, ProductDetails, Sku};
use riff_domain::{EventMetadata, Product, ProductCommand, ProductError};

use crate::error::ApiError;
use crate::ledger::LedgerError;
use crate::state::AppState;

/// A generated SKU can clash with one typed by hand (`RIFF-000042`); the
/// next number is tried, this many times.
const SKU_ATTEMPTS: u32 = 20;

/// No shop stocks a million of one line; more is a typo.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// A product to create, checked.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// `None`: Riff numbers it (`RIFF-000042`).
    pub sku: Option<Sku>,
    pub details: ProductDetails,
    pub price: Money,
    pub quantity: u32,
    /// Saved as a draft: kept, not listable until activated.
    pub draft: bool,
}

/// Creates a product and waits until the views show it.
///
/// # Errors
/// `409` the SKU exists; the store failed.
pub async fn create_product(
    state: &AppState,
    new: NewProduct,
    meta: &EventMetadata,
) -> Result<Sku, ApiError> {
    let create = |sku: Sku| ProductCommand::Create {
        sku,
        details: new.details.clone(),
        price: new.price,
        quantity: new.quantity,
        source: ProductSource::Manual,
        draft: new.draft,
    };
    let sku = match new.sku.clone() {
        Some(sku) => {
            state
                .ledger
                .product(&sku, create(sku.clone()), meta)
                .await?;
            sku
        }
        None => {
            let mut attempt = 0;
            loop {
                let sku = Sku::generated(state.db.next_counter("sku").await?);
                match state.ledger.product(&sku, create(sku.clone()), meta).await {
                    Ok(()) => break sku,
                    Err(LedgerError::Rejected(ProductError::AlreadyExists { .. }))
                        if attempt < SKU_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    Ok(sku)
}

/// Runs any product command (a revision, media changes) and waits until
/// the views show it.
///
/// # Errors
/// The product's refusal; the store failed.
pub async fn change_product(
    state: &AppState,
    sku: &Sku,
    command: ProductCommand,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    state.ledger.product(sku, command, meta).await?;
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    Ok(())
}

/// A SKU from a path: one that cannot be a SKU names no product.
///
/// # Errors
/// `404`.
pub fn sku_in_path(raw: &str) -> Result<Sku, ApiError> {
    Sku::parse(raw).map_err(|_| ApiError::NotFound(format!("no product has SKU {raw}")))
}
