//! The product listings view: one row per listing, with its per-platform
//! status, for the product page.

use std::collections::HashMap;

use async_trait::async_trait;
use cqrs_es::Aggregate;
use riff_domain::value::Platform;
use riff_domain::{Listing, ListingEvent};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::fold::{creates_listing, fold, Cell, Folded};
use super::CopyRows;
use super::{timestamp, View};
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct ProductListings;

#[async_trait]
impl View for ProductListings {
    fn name(&self) -> &'static str {
        "product_listings"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["product_listings"]
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &[Listing::TYPE]
    }

    async fn apply(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(conn, std::slice::from_ref(envelope), None)
            .await
    }

    /// Folds the batch into its rows in memory (`super::fold`).
    async fn apply_batch(
        &self,
        conn: &mut AnyConnection,
        envelopes: &[Envelope],
        copy: Option<&mut CopyRows>,
    ) -> Result<(), sqlx::Error> {
        fold::<ListingRow>(
            conn,
            copy,
            envelopes,
            |e| matches!(e, RecordedEvent::Listing(_)),
            creates_listing,
            |rows, envelope| {
                step(rows, envelope);
                Ok(())
            },
        )
        .await
    }
}

/// How one listing event changes the listings it concerns. The view and
/// time travel (`crate::timeline`) both fold with it.
pub(crate) fn step(rows: &mut HashMap<String, ListingRow>, envelope: &Envelope) {
    let RecordedEvent::Listing(event) = &envelope.event else {
        return;
    };
    let id = envelope.aggregate_id.as_str();
    match event {
        ListingEvent::ListingRequested { sku, platform, .. } => {
            rows.insert(
                id.to_owned(),
                ListingRow::new(id, Some(sku.to_string()), *platform),
            );
        }
        ListingEvent::ExternallyDetected { platform, .. } => {
            rows.insert(id.to_owned(), ListingRow::new(id, None, *platform));
        }
        _ => {}
    }
    let Some(row) = rows.get_mut(id) else {
        return;
    };
    match event {
        ListingEvent::ExternallyDetected {
            external_id,
            snapshot,
            ..
        } => {
            row.external_id = Some(external_id.clone());
            row.url.clone_from(&snapshot.url);
        }
        ListingEvent::Listed {
            external_id, url, ..
        } => {
            row.external_id = Some(external_id.clone());
            row.url.clone_from(url);
        }
        ListingEvent::LinkedToProduct { sku } => row.sku = Some(sku.to_string()),
        _ => {}
    }
    if let Some(status) = event.status_after() {
        row.status = status.as_str().to_owned();
    }
    row.last_outcome = outcome(event);
    row.updated_at = timestamp(envelope.recorded_at);
}

/// What happened, in the words the product page shows.
pub(crate) fn outcome(event: &ListingEvent) -> String {
    match event {
        ListingEvent::ListingRequested { .. } => "publish requested".into(),
        ListingEvent::ExternallyDetected { .. } => "found on the platform; not made by Riff".into(),
        ListingEvent::Listed { .. } => "listed".into(),
        ListingEvent::PublishFailed { message, attempts } => {
            format!("publish failed after {attempts} attempt(s): {message}")
        }
        ListingEvent::ReviseRequested { .. } => "update requested".into(),
        ListingEvent::ListingRevised { .. } => "revised".into(),
        ListingEvent::ReviseFailed { message, attempts } => {
            format!("revise failed after {attempts} attempt(s): {message}")
        }
        ListingEvent::EndRequested { .. } => "end requested".into(),
        ListingEvent::Ended { .. } => "ended".into(),
        ListingEvent::EndFailed { message, attempts } => {
            format!("end failed after {attempts} attempt(s): {message}")
        }
        ListingEvent::SoldOn { order_ref, .. } => format!("sold (order {order_ref})"),
        ListingEvent::LinkedToProduct { sku } => format!("linked to {sku}"),
        ListingEvent::DuplicateSuspected { of, reason } => {
            format!("looks like {of} ({reason}); not linked")
        }
        ListingEvent::ImportHeld { reason } => format!("not imported: {reason}"),
        ListingEvent::StatusDrifted {
            field,
            riff_value,
            platform_value,
        } => format!("{field} differs: Riff has {riff_value}, the platform {platform_value}"),
        ListingEvent::FlagResolved { note, .. } => format!("flag resolved: {note}"),
    }
}

/// One listing as the product page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingRow {
    pub listing_id: String,
    pub sku: Option<String>,
    pub platform: String,
    pub status: String,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub last_outcome: String,
    pub updated_at: String,
}

impl ListingRow {
    fn new(listing_id: &str, sku: Option<String>, platform: Platform) -> Self {
        Self {
            listing_id: listing_id.to_owned(),
            sku,
            platform: platform.as_str().to_owned(),
            status: String::new(),
            external_id: None,
            url: None,
            last_outcome: String::new(),
            updated_at: String::new(),
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
        "select * from product_listings where sku in ({}) order by sku, platform, updated_at",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for sku in skus {
        query = query.bind(*sku);
    }
    Ok(query
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(ListingRow::from_row)
        .collect::<Result<_, _>>()?)
}

impl Folded for ListingRow {
    const TABLE: &'static str = "product_listings";
    const COLUMNS: &'static [&'static str] = &[
        "listing_id",
        "sku",
        "platform",
        "status",
        "external_id",
        "url",
        "last_outcome",
        "updated_at",
    ];
    const CHUNK: usize = 500;

    fn key(&self) -> &str {
        &self.listing_id
    }

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            listing_id: row.try_get("listing_id")?,
            sku: row.try_get("sku")?,
            platform: row.try_get("platform")?,
            status: row.try_get("status")?,
            external_id: row.try_get("external_id")?,
            url: row.try_get("url")?,
            last_outcome: row.try_get("last_outcome")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::text(&self.listing_id),
            Cell::opt_text(self.sku.as_deref()),
            Cell::text(&self.platform),
            Cell::text(&self.status),
            Cell::opt_text(self.external_id.as_deref()),
            Cell::opt_text(self.url.as_deref()),
            Cell::text(&self.last_outcome),
            Cell::text(&self.updated_at),
        ]
    }
}
