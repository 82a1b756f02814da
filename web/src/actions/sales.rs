//! Sales recorded by a person: the API, or the counter's form.

use chrono::Utc;
use riff_domain::policy::{check_sold_at, Sale};
use riff_domain::value::Sku;
use riff_domain::{EventMetadata, ProductCommand};
use riff_projections::view::sales;

use super::products::change_product;
use crate::error::ApiError;
use crate::state::AppState;

/// What recording a sale came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleRecorded {
    /// The sale took units.
    Sold,
    /// The item had already sold: an oversell to resolve (flagged).
    Conflict,
    /// This order was known already; nothing changed.
    AlreadyRecorded,
}

impl SaleRecorded {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sold => "sold",
            Self::Conflict => "conflict",
            Self::AlreadyRecorded => "already_recorded",
        }
    }
}

/// Records a sale on a product (first sale wins) and waits until the views
/// show it; the sale saga then ends the product's other listings.
///
/// A person reports it (the API, the counter's form), so its time must be
/// plausible: a sale dated `0001-01-01` would win first-sale-wins against
/// every real one.
///
/// # Errors
/// `422` a sale time out of range or an order reference that breaks its
/// rule; `404` unknown product; the store failed.
pub async fn record_sale(
    state: &AppState,
    sku: &Sku,
    sale: Sale,
    meta: &EventMetadata,
) -> Result<SaleRecorded, ApiError> {
    check_sold_at(sale.sold_at, Utc::now())?;
    sale.check_order_ref()?;
    let before = state.ledger.load_product(sku).await?.version;
    let (channel, order_ref) = (sale.channel, sale.order_ref.clone());
    let command = ProductCommand::RecordSale {
        sale,
        priority: (*state.priority).clone(),
        counted: false,
    };
    change_product(state, sku, command, meta).await?;
    if state.ledger.load_product(sku).await?.version == before {
        return Ok(SaleRecorded::AlreadyRecorded);
    }
    Ok(
        match sales::status_of(&state.db, sku.as_str(), channel.as_str(), &order_ref).await? {
            Some(s) if s == "conflict" => SaleRecorded::Conflict,
            _ => SaleRecorded::Sold,
        },
    )
}
