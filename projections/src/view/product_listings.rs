//! The product listings view: one row per listing, with its per-platform
//! status, for the product page.

use async_trait::async_trait;
use riff_domain::ListingEvent;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

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

    async fn apply(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        let RecordedEvent::Listing(event) = &envelope.event else {
            return Ok(());
        };
        let id = envelope.aggregate_id.as_str();
        let at = timestamp(envelope.recorded_at);
        match event {
            ListingEvent::ListingRequested { sku, platform, .. } => {
                insert(
                    conn,
                    id,
                    Some(sku.as_str()),
                    platform.as_str(),
                    None,
                    None,
                    "publish requested",
                    &at,
                )
                .await?;
            }
            ListingEvent::ExternallyDetected {
                platform,
                external_id,
                snapshot,
                ..
            } => {
                insert(
                    conn,
                    id,
                    None,
                    platform.as_str(),
                    Some(external_id),
                    snapshot.url.as_deref(),
                    &outcome(event),
                    &at,
                )
                .await?;
            }
            ListingEvent::Listed {
                external_id, url, ..
            } => {
                sqlx::query(
                    "update product_listings set external_id = $2, url = $3 where listing_id = $1",
                )
                .bind(id)
                .bind(external_id)
                .bind(url)
                .execute(&mut *conn)
                .await?;
            }
            ListingEvent::LinkedToProduct { sku } => {
                sqlx::query("update product_listings set sku = $2 where listing_id = $1")
                    .bind(id)
                    .bind(sku.as_str())
                    .execute(&mut *conn)
                    .await?;
            }
            _ => {}
        }
        if !matches!(
            event,
            ListingEvent::ListingRequested { .. } | ListingEvent::ExternallyDetected { .. }
        ) {
            let status: Option<&str> = event.status_after().map(|s| s.as_str());
            sqlx::query(
                "update product_listings set status = coalesce($2, status), last_outcome = $3, \
                 updated_at = $4 where listing_id = $1",
            )
            .bind(id)
            .bind(status)
            .bind(outcome(event))
            .bind(&at)
            .execute(conn)
            .await?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    sku: Option<&str>,
    platform: &str,
    external_id: Option<&str>,
    url: Option<&str>,
    outcome: &str,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into product_listings (listing_id, sku, platform, status, external_id, url, \
         last_outcome, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(sku)
    .bind(platform)
    .bind(if external_id.is_some() {
        "live"
    } else {
        "pending"
    })
    .bind(external_id)
    .bind(url)
    .bind(outcome)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
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
