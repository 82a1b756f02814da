//! The audit: the log itself, searched by product, type, who, how and
//! when, each event with a one-line summary a shop owner can read
//! ("Listed on Reverb as 71234501 by system via reconcile").
//!
//! It is not a view. Every event is already in the `events` table with its
//! metadata, and a summary is a pure function of the event, so the search
//! reads the log (through the indexes of migration 0009) and summarises
//! only the page it returns. A copy of the log would have to be written
//! for every event, rebuilt by every replay — at a million events, most of
//! a replay's time — and could fall out of step with what it copies; the
//! log itself cannot.
//!
//! A listing's events are found under the product it belongs to now (the
//! listing index's SKU), so a listing found on a platform and linked later
//! shows its whole story under the product, from before it was linked.

use riff_domain::delivery::DeliveryEvent;
use riff_domain::listing::category_map::CategoryEdit;
use riff_domain::listing::{EndReason, EndedBy};
use riff_domain::value::{Platform, ProductDetails};
use riff_domain::{ListingEvent, ProductEvent, SettingsEvent, SyncRunEvent};
use serde::Serialize;
use sqlx::Row;

use crate::log::{self, Envelope, RecordedEvent, StoredEvent};
use crate::view::timestamp;
use crate::{Backend, Db, ProjectionError};

/// One audit entry: the event as stored, with its metadata unpacked and
/// its summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRow {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The product the event concerns: a listing's product, once linked.
    pub sku: Option<String>,
    pub event_type: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub correlation_id: Option<String>,
    pub recorded_at: String,
    pub summary: String,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
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

/// Up to `query.limit` events after `query.after` that match its filters,
/// oldest first, never past an event that could still commit below them
/// (so paging by the last position never skips one).
///
/// # Errors
/// The database could not be read.
pub async fn search(db: &Db, query: &AuditQuery) -> Result<Vec<AuditRow>, ProjectionError> {
    let bound = log::safe_position(db).await?;
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let mut binds: Vec<String> = vec![];
    let mut sql = format!(
        "select {}, li.sku as listing_sku, li.platform as listing_platform \
         from events e left join listing_index li \
         on e.aggregate_type = 'listing' and li.listing_id = e.aggregate_id \
         where e.position > $1 and e.position <= $2",
        log::columns(db.backend())
    );
    let mut filter = |clause: &str, value: String| {
        binds.push(value);
        sql.push_str(" and ");
        sql.push_str(&clause.replace("{}", &format!("${}", binds.len() + 2)));
    };
    if let Some(sku) = given(&query.sku) {
        // The product's events and its listings', each found by the
        // primary key. Written for each planner: PostgreSQL turns the
        // first into a join, SQLite the second into one index search per
        // side of the `or`; each scans the whole log with the other's.
        filter(
            match db.backend() {
                Backend::Postgres => {
                    "(e.aggregate_type, e.aggregate_id) in (select 'product', {} \
                     union all select 'listing', listing_id from listing_index where sku = {})"
                }
                Backend::Sqlite => {
                    "((e.aggregate_type = 'product' and e.aggregate_id = {}) \
                     or (e.aggregate_type = 'listing' and e.aggregate_id in \
                     (select listing_id from listing_index where sku = {})))"
                }
            },
            sku,
        );
    }
    if let Some(event_type) = given(&query.event_type) {
        filter("e.event_type = {}", event_type);
    }
    for (key, value) in [
        ("actor", &query.actor),
        ("source", &query.source),
        ("correlation_id", &query.correlation_id),
    ] {
        if let Some(value) = given(value) {
            // The expression the index of migration 0009 is built on.
            filter(&format!("e.metadata ->> '{key}' = {{}}"), value);
        }
    }
    let time = match db.backend() {
        Backend::Postgres => "cast({} as timestamptz)",
        // Text in UTC with a fixed layout: ordering the text orders the
        // times (to the millisecond SQLite records).
        Backend::Sqlite => "{}",
    };
    if let Some(from) = given(&query.from) {
        filter(&format!("e.recorded_at >= {time}"), from);
    }
    if let Some(to) = given(&query.to) {
        filter(&format!("e.recorded_at < {time}"), to);
    }
    sql.push_str(&format!(" order by e.position limit ${}", binds.len() + 3));
    let mut select = sqlx::query(&sql).bind(query.after).bind(bound);
    for value in binds {
        select = select.bind(value);
    }
    let rows = select.bind(query.limit).fetch_all(&db.views).await?;
    rows.iter()
        .map(|row| {
            let stored = log::stored_event(row)?;
            let platform: Option<String> = row.try_get("listing_platform")?;
            let sku = match stored.aggregate_type.as_str() {
                "product" => Some(stored.aggregate_id.clone()),
                "listing" => row.try_get("listing_sku")?,
                _ => None,
            };
            Ok(entry(stored, sku, platform.and_then(|p| p.parse().ok())))
        })
        .collect()
}

/// An event as the audit shows it. An event this Riff cannot read still
/// shows, with what it is and what to do about it.
fn entry(stored: StoredEvent, sku: Option<String>, platform: Option<Platform>) -> AuditRow {
    let text = |key: &str| {
        stored
            .metadata
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let summary = match stored.decode() {
        Ok(envelope) => summary(&envelope, platform),
        Err(error) => error.to_string(),
    };
    AuditRow {
        position: stored.position,
        sku,
        actor: text("actor"),
        source: text("source"),
        correlation_id: text("correlation_id"),
        recorded_at: timestamp(stored.recorded_at),
        summary,
        aggregate_type: stored.aggregate_type,
        aggregate_id: stored.aggregate_id,
        event_type: stored.event_type,
        payload: stored.payload,
        metadata: stored.metadata,
    }
}

/// The one-line summary of an event, with who did it and how. `platform`
/// is the listing's, for a listing event that does not say it itself.
pub fn summary(envelope: &Envelope, platform: Option<Platform>) -> String {
    let what = match &envelope.event {
        RecordedEvent::Product(event) => product_summary(event),
        RecordedEvent::Listing(event) => {
            let platform = match event {
                ListingEvent::ListingRequested { platform, .. }
                | ListingEvent::ExternallyDetected { platform, .. } => Some(*platform),
                _ => platform,
            };
            listing_summary(
                event,
                platform.map_or("the platform", Platform::display_name),
            )
        }
        RecordedEvent::Settings(SettingsEvent::DropdownSortChanged { field, order }) => {
            format!("The {} dropdown is now ordered by {order}", field.as_str())
        }
        RecordedEvent::Settings(SettingsEvent::CategoryMapped(edit)) => {
            category_mapped_summary(edit)
        }
        RecordedEvent::Settings(SettingsEvent::PriceRuleSet { platform, percent }) => {
            if percent.is_zero() {
                format!(
                    "{} listings show the product's price again (price rule removed)",
                    platform.display_name()
                )
            } else {
                format!(
                    "{} listings are priced at the product's price {percent}",
                    platform.display_name()
                )
            }
        }
        RecordedEvent::SyncRun(event) => sync_run_summary(event),
        RecordedEvent::Delivery(DeliveryEvent::WebhookReceived {
            platform,
            delivery_id,
            topic,
            ..
        }) => format!(
            "Webhook {} from {} received (delivery {delivery_id})",
            topic.as_deref().unwrap_or("notification"),
            platform.display_name()
        ),
    };
    match &envelope.metadata {
        Some(m) => format!("{what} by {} via {}", m.actor, m.source),
        None => what,
    }
}

fn category_mapped_summary(edit: &CategoryEdit) -> String {
    let mut changes = Vec::new();
    if let Some(id) = &edit.ebay {
        changes.push(format!("eBay category {id}"));
    }
    if let Some(specifics) = &edit.ebay_item_specifics {
        let listed: Vec<String> = specifics.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        changes.push(if listed.is_empty() {
            "no eBay item specifics".to_owned()
        } else {
            format!("eBay item specifics {}", listed.join(", "))
        });
    }
    if let Some(id) = &edit.reverb {
        changes.push(format!("Reverb category {id}"));
    }
    if let Some(vr) = &edit.vr {
        changes.push(format!(
            "V&R category {} / {}",
            vr.category, vr.sub_category
        ));
    }
    if let Some(product_type) = &edit.shopify {
        changes.push(format!("Shopify product type {product_type:?}"));
    }
    if changes.is_empty() {
        format!("Category {:?} added to the category map", edit.category)
    } else {
        format!(
            "Category {:?} mapped to {}",
            edit.category,
            changes.join(", ")
        )
    }
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
            details: ProductDetails { title, .. },
            price,
            quantity,
            ..
        } => format!("Created {sku} \u{201c}{title}\u{201d} at {price}, {quantity} in stock"),
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
            sale.channel,
            sale.order_number.as_ref().unwrap_or(&sale.order_ref),
            sale.price
        ),
        ProductEvent::SaleConflictDetected { loser, .. } => format!(
            "Oversold: {} order {} found no unit left",
            loser.channel, loser.order_ref
        ),
        ProductEvent::ProductArchived { .. } => "Archived".into(),
        ProductEvent::ProductActivated { price } => format!("Activated at {price}"),
        ProductEvent::ProductRestored => "Restored from the archive".into(),
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
            order_ref,
            order_number,
            price,
            ..
        } => {
            let order = order_number.as_ref().unwrap_or(order_ref);
            format!("Sold on {platform} (order {order}) for {price}")
        }
        ListingEvent::CurrencyMismatched { listing, shop } => {
            format!("Priced in {listing} on {platform}, the shop in {shop}: keeps its own price")
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
