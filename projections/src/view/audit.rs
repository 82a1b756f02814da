//! The audit view: every event with its metadata unpacked and a one-line
//! summary a shop owner can read ("Listed on Reverb as 71234501 by system
//! via reconcile"), searchable by product, type, who, how and when.

use std::collections::HashMap;

use async_trait::async_trait;
use riff_domain::delivery::DeliveryEvent;
use riff_domain::listing::{EndReason, EndedBy};
use riff_domain::value::Platform;
use riff_domain::{ListingEvent, ProductEvent, SettingsEvent, SyncRunEvent};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{creates_listing, placeholders, timestamp, to_load, View};
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct Audit;

#[async_trait]
impl View for Audit {
    fn name(&self) -> &'static str {
        "audit"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["audit", "audit_listings"]
    }

    fn insert_only(&self) -> &'static [&'static str] {
        &["audit"]
    }

    async fn apply(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(conn, std::slice::from_ref(envelope)).await
    }

    /// Loads the product and platform of each listing the batch mentions
    /// once, summarises every event in memory, and inserts the entries a
    /// few hundred per statement.
    async fn apply_batch(
        &self,
        conn: &mut AnyConnection,
        envelopes: &[Envelope],
    ) -> Result<(), sqlx::Error> {
        let listing_ids = to_load(
            envelopes,
            |e| matches!(e, RecordedEvent::Listing(_)),
            creates_listing,
        );
        let mut listings: HashMap<String, (Option<String>, String)> = HashMap::new();
        for chunk in listing_ids.chunks(CHUNK) {
            let sql = format!(
                "select listing_id, sku, platform from audit_listings where listing_id in ({})",
                placeholders(conn, chunk.len(), 1)
            );
            let mut query = sqlx::query_as::<_, (String, Option<String>, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for (id, sku, platform) in query.fetch_all(&mut *conn).await? {
                listings.insert(id, (sku, platform));
            }
        }
        let mut changed: Vec<String> = vec![];
        let entries: Vec<Entry> = envelopes
            .iter()
            .map(|envelope| {
                if let RecordedEvent::Listing(event) = &envelope.event {
                    if remember_listing(&mut listings, &envelope.aggregate_id, event) {
                        changed.push(envelope.aggregate_id.clone());
                    }
                }
                entry(envelope, &listings)
            })
            .collect();
        changed.sort_unstable();
        changed.dedup();
        for chunk in changed.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(conn, 3, i * 3 + 1)))
                .collect();
            let sql = format!(
                "insert into audit_listings (listing_id, sku, platform) values {} \
                 on conflict (listing_id) do update set sku = excluded.sku",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                let (sku, platform) = &listings[id];
                query = query
                    .bind(id.clone())
                    .bind(sku.clone())
                    .bind(platform.clone());
            }
            query.execute(&mut *conn).await?;
        }
        for chunk in entries.chunks(CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(conn, 10, i * 10 + 1)))
                .collect();
            let sql = format!(
                "insert into audit (position, aggregate_type, aggregate_id, sku, event_type, actor, \
                 source, correlation_id, recorded_at, summary) values {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for e in chunk {
                query = query
                    .bind(e.position)
                    .bind(e.aggregate_type)
                    .bind(e.aggregate_id.clone())
                    .bind(e.sku.clone())
                    .bind(e.event_type.clone())
                    .bind(e.actor.clone())
                    .bind(e.source)
                    .bind(e.correlation_id.clone())
                    .bind(e.recorded_at.clone())
                    .bind(e.summary.clone());
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Rows per statement: 10 columns × 500 stays under both backends' limits.
const CHUNK: usize = 500;

/// An audit row about to be written.
struct Entry {
    position: i64,
    aggregate_type: &'static str,
    aggregate_id: String,
    sku: Option<String>,
    event_type: String,
    actor: Option<String>,
    source: Option<&'static str>,
    correlation_id: Option<String>,
    recorded_at: String,
    summary: String,
}

fn entry(envelope: &Envelope, listings: &HashMap<String, (Option<String>, String)>) -> Entry {
    let (aggregate_type, sku, summary) = match &envelope.event {
        RecordedEvent::Product(event) => (
            "product",
            Some(envelope.aggregate_id.clone()),
            product_summary(event),
        ),
        RecordedEvent::Listing(event) => {
            let (sku, platform) = listings
                .get(&envelope.aggregate_id)
                .cloned()
                .unwrap_or((None, String::new()));
            let platform = platform
                .parse::<Platform>()
                .map_or("the platform", Platform::display_name);
            ("listing", sku, listing_summary(event, platform))
        }
        RecordedEvent::Settings(SettingsEvent::DropdownSortChanged { field, order }) => (
            "settings",
            None,
            format!("The {} dropdown is now ordered by {order}", field.as_str()),
        ),
        RecordedEvent::SyncRun(event) => ("sync_run", None, sync_run_summary(event)),
        RecordedEvent::Delivery(DeliveryEvent::WebhookReceived {
            platform,
            delivery_id,
            topic,
            ..
        }) => (
            "delivery",
            None,
            format!(
                "Webhook {} from {} received (delivery {delivery_id})",
                topic.as_deref().unwrap_or("notification"),
                platform.display_name()
            ),
        ),
    };
    let meta = envelope.metadata.as_ref();
    Entry {
        position: envelope.position,
        aggregate_type,
        aggregate_id: envelope.aggregate_id.clone(),
        sku,
        event_type: envelope.event_type(),
        actor: meta.map(|m| m.actor.clone()),
        source: meta.map(|m| m.source.as_str()),
        correlation_id: meta.map(|m| m.correlation_id.to_string()),
        recorded_at: timestamp(envelope.recorded_at),
        summary: match meta {
            Some(m) => format!("{summary} by {} via {}", m.actor, m.source),
            None => summary,
        },
    }
}

/// Keeps the audit's memory of a listing's product and platform; returns
/// whether it changed.
fn remember_listing(
    listings: &mut HashMap<String, (Option<String>, String)>,
    id: &str,
    event: &ListingEvent,
) -> bool {
    match event {
        ListingEvent::ListingRequested { sku, platform, .. } => {
            listings.insert(
                id.to_owned(),
                (Some(sku.to_string()), platform.as_str().to_owned()),
            );
        }
        ListingEvent::ExternallyDetected { platform, .. } => {
            listings.insert(id.to_owned(), (None, platform.as_str().to_owned()));
        }
        ListingEvent::LinkedToProduct { sku } => match listings.get_mut(id) {
            Some(known) => known.0 = Some(sku.to_string()),
            None => return false,
        },
        _ => return false,
    }
    true
}

fn sync_run_summary(event: &SyncRunEvent) -> String {
    match event {
        SyncRunEvent::RunStarted {
            trigger, platforms, ..
        } => format!(
            "Sync run started ({}): {}",
            trigger.as_str(),
            platforms
                .iter()
                .map(|p| p.display_name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        SyncRunEvent::PlatformSynced {
            platform, report, ..
        } if report.succeeded() => format!(
            "{} synced: {} listings, {} new sales, {} found, {} ended elsewhere, {} drifted",
            platform.display_name(),
            report.listings,
            report.sales,
            report.detected,
            report.ended_elsewhere,
            report.drifted
        ),
        SyncRunEvent::PlatformSynced {
            platform, report, ..
        } => format!(
            "{} failed to sync: {}",
            platform.display_name(),
            report.errors.join("; ")
        ),
        SyncRunEvent::RunFinished { .. } => "Sync run finished".into(),
    }
}

fn product_summary(event: &ProductEvent) -> String {
    match event {
        ProductEvent::ProductCreated {
            sku,
            details,
            price,
            quantity,
            ..
        } => format!(
            "Created {sku} \u{201c}{}\u{201d} at {price}, {quantity} in stock",
            details.title
        ),
        ProductEvent::DetailsRevised { .. } => "Details revised".into(),
        ProductEvent::PriceChanged { previous, price } => {
            format!("Price changed from {previous} to {price}")
        }
        ProductEvent::QuantityAdjusted { previous, quantity } => {
            format!("Stock counted from {previous} to {quantity}")
        }
        ProductEvent::MediaAttached { .. } => "Media attached".into(),
        ProductEvent::MediaRemoved { .. } => "Media removed".into(),
        ProductEvent::MediaReordered { .. } => "Media reordered".into(),
        ProductEvent::ProductSold { sale, remaining } => format!(
            "Sold on {} (order {}) for {}, {remaining} left",
            sale.channel, sale.order_ref, sale.price
        ),
        ProductEvent::SaleConflictDetected { loser, .. } => format!(
            "Oversold: {} order {} found no unit left",
            loser.channel, loser.order_ref
        ),
        ProductEvent::ProductArchived { .. } => "Archived".into(),
        ProductEvent::FlagResolved { sequence, note } => {
            format!("Flag from event {sequence} resolved: {note}")
        }
    }
}

fn listing_summary(event: &ListingEvent, platform: &str) -> String {
    match event {
        ListingEvent::ListingRequested { sku, .. } => {
            format!("Listing of {sku} on {platform} requested")
        }
        ListingEvent::Listed { external_id, .. } => {
            format!("Listed on {platform} as {external_id}")
        }
        ListingEvent::PublishFailed { message, .. } => {
            format!("Publishing to {platform} failed: {message}")
        }
        ListingEvent::ReviseRequested { price, quantity } => {
            format!("Update on {platform} requested: {price}, {quantity} available")
        }
        ListingEvent::ListingRevised { .. } => format!("Revised on {platform}"),
        ListingEvent::ReviseFailed { message, .. } => {
            format!("Revising on {platform} failed: {message}")
        }
        ListingEvent::EndRequested { reason } => format!(
            "End on {platform} requested ({})",
            match reason {
                EndReason::SoldElsewhere => "sold elsewhere",
                EndReason::Removed => "removed",
                EndReason::Manual => "by hand",
            }
        ),
        ListingEvent::Ended {
            by: EndedBy::Riff, ..
        } => format!("Ended on {platform}"),
        ListingEvent::Ended {
            by: EndedBy::Platform,
            ..
        } => format!("Ended on {platform} by the platform"),
        ListingEvent::EndFailed { message, .. } => {
            format!("Ending on {platform} failed: {message}")
        }
        ListingEvent::SoldOn {
            order_ref, price, ..
        } => {
            format!("Sold on {platform} (order {order_ref}) for {price}")
        }
        ListingEvent::ExternallyDetected {
            external_id,
            snapshot,
            ..
        } => format!(
            "Found on {platform} as {external_id}: \u{201c}{}\u{201d}",
            snapshot.title
        ),
        ListingEvent::LinkedToProduct { sku } => format!("{platform} listing linked to {sku}"),
        ListingEvent::DuplicateSuspected { of, reason } => {
            format!("{platform} listing looks like {of} ({reason}); left unlinked")
        }
        ListingEvent::ImportHeld { reason } => {
            format!("{platform} listing not imported: {reason}")
        }
        ListingEvent::StatusDrifted {
            field,
            riff_value,
            platform_value,
        } => format!("{field} on {platform} is {platform_value}, Riff has {riff_value}"),
        ListingEvent::FlagResolved { sequence, note } => {
            format!("Flag from event {sequence} resolved: {note}")
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sku: Option<String>,
    pub event_type: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub correlation_id: Option<String>,
    pub recorded_at: String,
    pub summary: String,
}

/// Filters of an audit search; empty means any. Times are RFC 3339 UTC.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub after: i64,
    pub sku: Option<String>,
    pub event_type: Option<String>,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub correlation_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: i64,
}

/// Audit entries after `after`, oldest first.
///
/// # Errors
/// The database could not be read.
pub async fn search(db: &Db, query: &AuditQuery) -> Result<Vec<AuditRow>, ProjectionError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let rows = sqlx::query(
        "select * from audit where position > $1 \
         and ($2 = '' or sku = $2) and ($3 = '' or event_type = $3) \
         and ($4 = '' or actor = $4) and ($5 = '' or source = $5) \
         and ($6 = '' or correlation_id = $6) \
         and ($7 = '' or recorded_at >= $7) and ($8 = '' or recorded_at < $8) \
         order by position limit $9",
    )
    .bind(query.after)
    .bind(text(&query.sku))
    .bind(text(&query.event_type))
    .bind(text(&query.actor))
    .bind(text(&query.source))
    .bind(text(&query.correlation_id))
    .bind(text(&query.from))
    .bind(text(&query.to))
    .bind(query.limit)
    .fetch_all(&db.views)
    .await?;
    Ok(rows
        .iter()
        .map(|row: &AnyRow| {
            Ok(AuditRow {
                position: row.try_get("position")?,
                aggregate_type: row.try_get("aggregate_type")?,
                aggregate_id: row.try_get("aggregate_id")?,
                sku: row.try_get("sku")?,
                event_type: row.try_get("event_type")?,
                actor: row.try_get("actor")?,
                source: row.try_get("source")?,
                correlation_id: row.try_get("correlation_id")?,
                recorded_at: row.try_get("recorded_at")?,
                summary: row.try_get("summary")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}
