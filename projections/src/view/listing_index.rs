//! The listing index: the sync engine's view of every listing.
//!
//! Reconcile looks listings up by (platform, external id) — unique, so that
//! nothing is ever imported twice — and diffs a scan against what Riff last
//! published; the sale saga finds a product's other listings by SKU; the
//! effects worker finds the listings that wait for a marketplace call
//! (pending publishes, pending ends, pending updates). All of it is folded
//! from the log, so a replay rebuilds it like any other view.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use riff_domain::listing::EndReason;
use riff_domain::policy::KnownListing;
use riff_domain::value::{Currency, Money, Platform, Sku};
use riff_domain::{Listing, ListingEvent, ListingStatus};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use super::batch_view;
use super::fold::{fold, Cell, Folded};
use super::timestamp;
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct ListingIndex;

// Folds each batch into its rows in memory (`super::fold`).
batch_view!(
    ListingIndex,
    "listing_index",
    Listing::TYPE,
    fold::<IndexedListing>
);

/// One listing as the sync engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedListing {
    pub listing_id: Uuid,
    pub platform: Platform,
    pub external_id: Option<String>,
    /// The product it is linked to; none for a listing found on the
    /// platform and not linked yet.
    pub sku: Option<Sku>,
    pub status: ListingStatus,
    /// What Riff last put on (or found on) the platform.
    pub published_price: Option<Money>,
    pub published_quantity: Option<u32>,
    /// The title Riff last sent it; none where Riff does not know it.
    pub published_title: Option<String>,
    /// The version of the product it last showed (published or revised
    /// from); none before it is up, and for listings recorded before Riff
    /// kept it.
    pub shown_version: Option<u64>,
    /// The product's price or quantity changed and the listing waits for
    /// the update.
    pub revise_pending: bool,
    /// The stock the waiting revision asks for: fewer units than the
    /// platform shows are sent without waiting for more edits.
    pub revise_quantity: Option<u32>,
    /// Why the platform refused the last revision, until one succeeds.
    pub revise_error: Option<String>,
    pub orders: Vec<String>,
    /// Drift reported and still open: (field, platform value).
    pub drift: Vec<(String, String)>,
    pub end_reason: Option<EndReason>,
    /// When the end was asked for: where the sale-to-ended latency starts.
    pub end_requested_at: Option<DateTime<Utc>>,
    /// Where the listing is on the platform, once it is there.
    pub url: Option<String>,
    /// What last happened to it, in the words the product page shows.
    pub last_outcome: String,
    /// When that happened; none for a listing carried over from before
    /// Riff kept it (the upgrade that merged the product page's listings
    /// into this view left those empty).
    pub updated_at: Option<DateTime<Utc>>,
}

/// How one listing event changes the listings it concerns. The view and
/// time travel (`crate::timeline`) both fold with it.
pub(crate) fn step(
    rows: &mut HashMap<String, IndexedListing>,
    envelope: &Envelope,
) -> Result<(), sqlx::Error> {
    let RecordedEvent::Listing(event) = &envelope.event else {
        return Ok(());
    };
    let id = envelope.aggregate_id.as_str();
    if let Some(created) = IndexedListing::created(id, event)? {
        rows.insert(id.to_owned(), created);
    }
    if let Some(row) = rows.get_mut(id) {
        row.apply(event, envelope);
    }
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
        ListingEvent::CurrencyMismatched { listing, .. } => {
            format!("priced in {listing}, keeps its own price")
        }
        ListingEvent::StatusDrifted {
            field,
            riff_value,
            platform_value,
        } => format!("{field} differs: Riff has {riff_value}, the platform {platform_value}"),
        ListingEvent::FlagResolved { note, .. } => format!("flag resolved: {note}"),
    }
}

impl IndexedListing {
    fn new(listing_id: Uuid, sku: Option<Sku>, platform: Platform) -> Self {
        Self {
            listing_id,
            platform,
            external_id: None,
            sku,
            status: ListingStatus::Pending,
            published_price: None,
            published_quantity: None,
            published_title: None,
            shown_version: None,
            revise_pending: false,
            revise_quantity: None,
            revise_error: None,
            orders: vec![],
            drift: vec![],
            end_reason: None,
            end_requested_at: None,
            url: None,
            last_outcome: String::new(),
            updated_at: None,
        }
    }

    /// The row an event that brings a listing into being starts it with:
    /// asked for in Riff, or found on the platform.
    ///
    /// # Errors
    /// The listing's aggregate id is not a UUID: Riff never made it.
    fn created(id: &str, event: &ListingEvent) -> Result<Option<Self>, sqlx::Error> {
        let listing_id = || {
            Uuid::parse_str(id).map_err(|e| {
                sqlx::Error::Decode(format!("the listing id {id:?} is not a UUID: {e}").into())
            })
        };
        Ok(match event {
            ListingEvent::ListingRequested { sku, platform, .. } => {
                Some(Self::new(listing_id()?, Some(sku.clone()), *platform))
            }
            ListingEvent::ExternallyDetected {
                platform,
                external_id,
                snapshot,
                ..
            } => {
                let mut row = Self::new(listing_id()?, None, *platform);
                row.external_id = Some(external_id.clone());
                row.published_price = snapshot.price;
                row.published_quantity = snapshot.quantity;
                row.url.clone_from(&snapshot.url);
                Some(row)
            }
            _ => None,
        })
    }

    /// Applies one of the listing's events: its status, what it changes,
    /// and what last happened.
    fn apply(&mut self, event: &ListingEvent, envelope: &Envelope) {
        if let Some(status) = event.status_after() {
            self.status = status;
        }
        self.record(event, envelope);
        if self.status.is_closed() {
            self.revise_pending = false;
            self.revise_quantity = None;
        }
        self.last_outcome = outcome(event);
        self.updated_at = Some(envelope.recorded_at);
    }

    /// What the event says about what the platform shows, the revision
    /// waiting for it, the end, the orders and the drift.
    fn record(&mut self, event: &ListingEvent, envelope: &Envelope) {
        match event {
            ListingEvent::Listed {
                external_id,
                price,
                quantity,
                url,
                shown_version,
                sent,
                ..
            } => {
                self.external_id = Some(external_id.clone());
                self.url.clone_from(url);
                self.published_price = price.or(self.published_price);
                self.published_quantity = quantity.or(self.published_quantity);
                self.shown_version = *shown_version;
                self.published_title = sent.as_ref().map(|s| s.title.clone());
            }
            ListingEvent::ReviseRequested { quantity, .. } => {
                self.revise_pending = true;
                self.revise_quantity = Some(*quantity);
                self.revise_error = None;
            }
            ListingEvent::ListingRevised {
                price,
                quantity,
                shown_version,
                sent,
            } => {
                if let Some(sent) = sent {
                    self.published_title = Some(sent.title.clone());
                }
                self.published_price = price.or(self.published_price);
                self.published_quantity = quantity.or(self.published_quantity);
                self.shown_version = shown_version.or(self.shown_version);
                self.revise_pending = false;
                self.revise_quantity = None;
                self.revise_error = None;
                self.drift.clear();
            }
            ListingEvent::ReviseFailed { message, .. } => {
                self.revise_pending = false;
                self.revise_quantity = None;
                self.revise_error = Some(message.clone());
            }
            ListingEvent::EndRequested { reason } => {
                self.end_reason = Some(*reason);
                self.end_requested_at = Some(envelope.recorded_at);
            }
            ListingEvent::SoldOn { order_ref, .. } => self.orders.push(order_ref.clone()),
            ListingEvent::LinkedToProduct { sku } => self.sku = Some(sku.clone()),
            ListingEvent::StatusDrifted {
                field,
                platform_value,
                ..
            } => self.drift.push((field.clone(), platform_value.clone())),
            ListingEvent::FlagResolved { .. } => self.drift.clear(),
            _ => {}
        }
    }

    /// What reconcile's diff needs to know about it.
    pub fn known(&self) -> KnownListing {
        KnownListing {
            listing_id: self.listing_id,
            sku: self.sku.clone(),
            status: self.status,
            external_id: self.external_id.clone(),
            published_price: self.published_price,
            published_quantity: self.published_quantity,
            published_title: self.published_title.clone(),
            orders: self.orders.clone(),
            reported_drift: self.drift.clone(),
        }
    }
}

async fn select(
    db: &Db,
    condition: &str,
    binds: &[&str],
) -> Result<Vec<IndexedListing>, ProjectionError> {
    let sql = format!("select * from listing_index where {condition} order by listing_id");
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(*bind);
    }
    Ok(query
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(IndexedListing::from_row)
        .collect::<Result<_, _>>()?)
}

/// Every listing Riff knows on a platform.
///
/// # Errors
/// The database could not be read.
pub async fn on_platform(
    db: &Db,
    platform: Platform,
) -> Result<Vec<IndexedListing>, ProjectionError> {
    select(db, "platform = $1", &[platform.as_str()]).await
}

/// A product's listings on every platform.
///
/// # Errors
/// The database could not be read.
pub async fn of_product(db: &Db, sku: &str) -> Result<Vec<IndexedListing>, ProjectionError> {
    select(db, "sku = $1", &[sku]).await
}

/// The listings found on a platform and not linked to any product (held
/// for the owner, or looking like another product), still up there.
///
/// # Errors
/// The database could not be read.
pub async fn unlinked(db: &Db) -> Result<Vec<IndexedListing>, ProjectionError> {
    let mut rows = select(db, "sku is null and external_id is not null", &[]).await?;
    rows.retain(|l| !l.status.is_closed());
    Ok(rows)
}

/// One listing.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, listing_id: Uuid) -> Result<Option<IndexedListing>, ProjectionError> {
    Ok(select(db, "listing_id = $1", &[&listing_id.to_string()])
        .await?
        .pop())
}

/// The listings that wait for a marketplace call: publishes, ends and
/// updates not yet carried out. The condition is the predicate of the
/// `listing_index_awaiting` index, word for word (SQLite uses a partial
/// index only for a query that repeats its predicate).
///
/// # Errors
/// The database could not be read.
pub async fn awaiting_effects(db: &Db) -> Result<Vec<IndexedListing>, ProjectionError> {
    select(
        db,
        "status in ('pending', 'ending') or (status = 'live' and revise_pending = 1)",
        &[],
    )
    .await
}

impl Folded for IndexedListing {
    const TABLE: &'static str = "listing_index";
    const COLUMNS: &'static [&'static str] = &[
        "listing_id",
        "platform",
        "external_id",
        "sku",
        "status",
        "published_price_minor",
        "published_currency",
        "published_quantity",
        "published_title",
        "shown_version",
        "revise_pending",
        "revise_quantity",
        "revise_error",
        "orders",
        "drift",
        "end_reason",
        "end_requested_at",
        "url",
        "last_outcome",
        "updated_at",
    ];
    const CHUNK: usize = 400;

    fn folds(event: &RecordedEvent) -> bool {
        matches!(event, RecordedEvent::Listing(_))
    }

    fn step(rows: &mut HashMap<String, Self>, envelope: &Envelope) -> Result<(), sqlx::Error> {
        step(rows, envelope)
    }

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |column: &str, e: String| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: e.into(),
        };
        let time = |column: &str, text: &str| {
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|e| decode(column, format!("{text:?} is not a time: {e}")))
        };
        let listing_id: String = row.try_get("listing_id")?;
        let sku: Option<String> = row.try_get("sku")?;
        let platform: String = row.try_get("platform")?;
        let status: String = row.try_get("status")?;
        let price_minor: Option<i64> = row.try_get("published_price_minor")?;
        let currency: Option<String> = row.try_get("published_currency")?;
        let published_price = match (price_minor, currency) {
            (Some(minor), Some(currency)) => {
                let currency = Currency::parse(&currency)
                    .map_err(|e| decode("published_currency", e.to_string()))?;
                Some(Money {
                    amount: Decimal::new(minor, 2),
                    currency,
                })
            }
            _ => None,
        };
        let quantity: Option<i64> = row.try_get("published_quantity")?;
        let shown_version: Option<i64> = row.try_get("shown_version")?;
        let orders: String = row.try_get("orders")?;
        let drift: String = row.try_get("drift")?;
        let end_reason: Option<String> = row.try_get("end_reason")?;
        let end_requested_at: Option<String> = row.try_get("end_requested_at")?;
        let updated_at: String = row.try_get("updated_at")?;
        Ok(Self {
            listing_id: Uuid::parse_str(&listing_id)
                .map_err(|e| decode("listing_id", e.to_string()))?,
            platform: platform
                .parse()
                .map_err(|e: riff_domain::value::InvalidValue| decode("platform", e.to_string()))?,
            external_id: row.try_get("external_id")?,
            sku: sku
                .map(|sku| Sku::parse(&sku))
                .transpose()
                .map_err(|e| decode("sku", e.to_string()))?,
            status: serde_json::from_value(serde_json::Value::String(status))
                .map_err(|e| decode("status", e.to_string()))?,
            published_price,
            published_quantity: quantity.and_then(|q| u32::try_from(q).ok()),
            published_title: row.try_get("published_title")?,
            shown_version: shown_version.and_then(|v| u64::try_from(v).ok()),
            revise_pending: row.try_get::<i64, _>("revise_pending")? != 0,
            revise_quantity: row
                .try_get::<Option<i64>, _>("revise_quantity")?
                .and_then(|q| u32::try_from(q).ok()),
            revise_error: row.try_get("revise_error")?,
            orders: serde_json::from_str(&orders).map_err(|e| decode("orders", e.to_string()))?,
            drift: serde_json::from_str(&drift).map_err(|e| decode("drift", e.to_string()))?,
            end_reason: end_reason
                .map(|r| serde_json::from_value(serde_json::Value::String(r)))
                .transpose()
                .map_err(|e| decode("end_reason", e.to_string()))?,
            end_requested_at: end_requested_at
                .map(|at| time("end_requested_at", &at))
                .transpose()?,
            url: row.try_get("url")?,
            last_outcome: row.try_get("last_outcome")?,
            updated_at: Some(updated_at)
                .filter(|at| !at.is_empty())
                .map(|at| time("updated_at", &at))
                .transpose()?,
        })
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::owned(self.listing_id.to_string()),
            Cell::text(self.platform.as_str()),
            Cell::opt_text(self.external_id.as_deref()),
            Cell::opt_text(self.sku.as_ref().map(Sku::as_str)),
            Cell::text(self.status.as_str()),
            Cell::Int(self.published_price.map(|p| p.minor_units())),
            Cell::opt_text(self.published_price.as_ref().map(|p| p.currency.as_str())),
            Cell::Int(self.published_quantity.map(i64::from)),
            Cell::opt_text(self.published_title.as_deref()),
            Cell::Int(self.shown_version.and_then(|v| i64::try_from(v).ok())),
            Cell::int(i64::from(self.revise_pending)),
            Cell::Int(self.revise_quantity.map(i64::from)),
            Cell::opt_text(self.revise_error.as_deref()),
            Cell::owned(serde_json::to_string(&self.orders).expect("strings serialise")),
            Cell::owned(serde_json::to_string(&self.drift).expect("strings serialise")),
            Cell::Text(self.end_reason.map(|r| {
                Cow::Owned(
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                )
            })),
            Cell::Text(self.end_requested_at.map(|at| Cow::Owned(timestamp(at)))),
            Cell::opt_text(self.url.as_deref()),
            Cell::text(&self.last_outcome),
            Cell::owned(self.updated_at.map(timestamp).unwrap_or_default()),
        ]
    }
}
