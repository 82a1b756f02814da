//! A product's listings as the product page, the API and the export show
//! them: one row per listing, with its per-platform status, external id,
//! URL, price and last outcome. They are read from the listing index, which folds
//! each listing once for the sync engine and for these pages alike.

use riff_domain::ListingStatus;
use serde::Serialize;

use super::fold::Folded;
use super::listing_index::IndexedListing;
use super::timestamp;
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
    /// The version of the product the listing last showed (`version` on
    /// the product); none before it is up.
    pub shown_version: Option<u64>,
    /// For a live listing, whether it shows the product's last edit:
    /// `up_to_date`, `updating` (a revision is on its way) or `failed`
    /// (the platform refused it: `revise_error` says why).
    pub revision: Option<&'static str>,
    pub revise_error: Option<String>,
    pub last_outcome: String,
    pub updated_at: String,
}

impl From<IndexedListing> for ListingRow {
    fn from(listing: IndexedListing) -> Self {
        Self {
            listing_id: listing.listing_id.to_string(),
            sku: listing.sku.map(String::from),
            platform: listing.platform.as_str().to_owned(),
            status: listing.status.as_str().to_owned(),
            external_id: listing.external_id,
            url: listing.url,
            price: listing.published_price.map(|p| p.amount.to_string()),
            currency: listing.published_price.map(|p| p.currency.to_string()),
            shown_version: listing.shown_version,
            revision: (listing.status == ListingStatus::Live).then_some(
                match (listing.revise_pending, &listing.revise_error) {
                    (true, _) => "updating",
                    (false, Some(_)) => "failed",
                    (false, None) => "up_to_date",
                },
            ),
            revise_error: listing.revise_error,
            last_outcome: listing.last_outcome,
            updated_at: listing.updated_at.map(timestamp).unwrap_or_default(),
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
