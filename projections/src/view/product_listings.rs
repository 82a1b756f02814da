//! A product's listings as the product page, the API and the export show
//! them: one row per listing, with its per-platform status, external id,
//! URL, price and last outcome. They are read from the listing index, which folds
//! each listing once for the sync engine and for these pages alike.

use serde::Serialize;

use super::fold::Folded;
use super::listing_index::IndexedListing;
use crate::{Db, ProjectionError};

/// One listing as the product page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingRow {
    pub listing_id: String,
    pub sku: Option<String>,
    pub platform: String,
    pub status: String,
    pub external_id: Option<String>,
    pub url: Option<String>,
    /// The price it shows on its platform (as published or last revised;
    /// found there, for a listing Riff did not make), as a decimal string
    /// like the product's, and its currency; none before it is up.
    pub price: Option<String>,
    pub currency: Option<String>,
    pub last_outcome: String,
    pub updated_at: String,
}

impl From<IndexedListing> for ListingRow {
    fn from(listing: IndexedListing) -> Self {
        Self {
            listing_id: listing.listing_id,
            sku: listing.sku,
            platform: listing.platform.as_str().to_owned(),
            status: listing.status.as_str().to_owned(),
            external_id: listing.external_id,
            url: listing.url,
            price: listing.published_price.map(|p| p.amount.to_string()),
            currency: listing.published_price.map(|p| p.currency.to_string()),
            last_outcome: listing.last_outcome,
            updated_at: listing.updated_at,
        }
    }
}

/// The listings of the given products, by platform.
///
/// # Errors
/// The database could not be read.
pub async fn of_products(db: &Db, skus: &[&str]) -> Result<Vec<ListingRow>, ProjectionError> {
    if skus.is_empty() {
        return Ok(vec![]);
    }
    let placeholders: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "select * from listing_index where sku in ({}) order by sku, platform, updated_at",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for sku in skus {
        query = query.bind(*sku);
    }
    let mut rows = vec![];
    for row in query.fetch_all(&db.views).await? {
        rows.push(IndexedListing::from_row(&row)?.into());
    }
    Ok(rows)
}
