//! Time travel: a product exactly as it was at an earlier moment, folded
//! from the log up to that moment. The views only know the present; the
//! log knows every past.

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use std::collections::HashMap;

use riff_domain::Product;
use rust_decimal::Decimal;

use crate::log::{self, Envelope, RecordedEvent};
use crate::view::inventory::InventoryItem;
use crate::view::listing_index;
use crate::view::product_listings::{self, ListingRow};
use crate::view::timestamp;
use crate::{Db, ProjectionError};

/// A moment in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Everything up to and including this position.
    Position(i64),
    /// Everything recorded at or before this time.
    Time(DateTime<Utc>),
}

impl At {
    fn includes(self, envelope: &Envelope) -> bool {
        match self {
            Self::Position(p) => envelope.position <= p,
            Self::Time(t) => envelope.recorded_at <= t,
        }
    }
}

/// The product and its listings as they were at `at`, shaped as the views
/// show the present; `None` when the product did not exist yet.
///
/// # Errors
/// The log could not be read or decoded.
pub async fn product_as_of(
    db: &Db,
    sku: &str,
    at: At,
) -> Result<Option<(InventoryItem, Vec<ListingRow>)>, ProjectionError> {
    // Links never change once made, so today's listings of the product are
    // every listing it can ever have had.
    let listings = product_listings::of_products(db, &[sku]).await?;
    let mut aggregates = vec![("product", sku)];
    aggregates.extend(listings.iter().map(|l| ("listing", l.listing_id.as_str())));
    let envelopes = log::events_of(db, &aggregates)
        .await?
        .iter()
        .map(log::StoredEvent::decode)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|e| at.includes(e))
        .collect::<Vec<_>>();
    let Some(product) = fold_product(sku, &envelopes) else {
        return Ok(None);
    };
    Ok(Some((product, fold_listings(sku, &envelopes)?)))
}

fn fold_product(sku: &str, envelopes: &[Envelope]) -> Option<InventoryItem> {
    let mut product = Product::default();
    let mut times = vec![];
    for envelope in envelopes {
        if let RecordedEvent::Product(event) = &envelope.event {
            product.apply(event.clone());
            times.push(envelope.recorded_at);
        }
    }
    let details = product.details?;
    let price = product.price?;
    Some(InventoryItem {
        sku: sku.to_owned(),
        title: details.title,
        brand: details.brand,
        model: details.model,
        year: details.year.map(i64::from),
        finish: details.finish,
        category: details.category,
        condition: details.condition.as_str().to_owned(),
        description: details.description,
        price: Decimal::new(price.minor_units(), 2).to_string(),
        currency: price.currency.to_string(),
        quantity: i64::from(product.quantity),
        status: product.status.as_str().to_owned(),
        version: i64::try_from(product.version).unwrap_or(i64::MAX),
        media: serde_json::to_value(&product.media).unwrap_or_default(),
        created_at: timestamp(*times.first()?),
        updated_at: timestamp(*times.last()?),
    })
}

fn fold_listings(sku: &str, envelopes: &[Envelope]) -> Result<Vec<ListingRow>, sqlx::Error> {
    let mut rows = HashMap::new();
    for envelope in envelopes {
        listing_index::step(&mut rows, envelope)?;
    }
    let mut rows: Vec<ListingRow> = rows
        .into_values()
        .map(ListingRow::from)
        .filter(|r| r.sku.as_deref() == Some(sku))
        .collect();
    rows.sort_by(|a, b| (&a.platform, &a.updated_at).cmp(&(&b.platform, &b.updated_at)));
    Ok(rows)
}
