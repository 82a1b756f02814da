//! Reading the global log.
//!
//! Every reader — the projector, the sagas to come, `GET /api/events` —
//! reads by position through [`read_after`], which returns only events that
//! can no longer be overtaken: no event will ever commit at or below the last
//! position it returns. That is what makes "read after my checkpoint" safe.

use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use riff_domain::delivery::{Delivery, DeliveryEvent};
use riff_domain::{
    upcast, EventMetadata, Listing, ListingEvent, Product, ProductEvent, Settings, SettingsEvent,
    SyncRun, SyncRunEvent,
};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Backend, Db, ProjectionError};

/// An event as stored, with its place in the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEvent {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
    pub recorded_at: DateTime<Utc>,
}

/// A decoded domain event of either aggregate.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordedEvent {
    Product(ProductEvent),
    Listing(ListingEvent),
    Settings(SettingsEvent),
    SyncRun(SyncRunEvent),
    Delivery(DeliveryEvent),
}

/// A decoded event with its place in the log and its metadata: what views
/// apply.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub position: i64,
    pub aggregate_id: String,
    pub sequence: i64,
    pub recorded_at: DateTime<Utc>,
    pub metadata: Option<EventMetadata>,
    pub event: RecordedEvent,
}

impl Envelope {
    /// The event's name as stored (`ProductCreated`, `Listed`, …).
    pub fn event_type(&self) -> String {
        use cqrs_es::DomainEvent;
        match &self.event {
            RecordedEvent::Product(e) => e.event_type(),
            RecordedEvent::Listing(e) => e.event_type(),
            RecordedEvent::Settings(e) => e.event_type(),
            RecordedEvent::SyncRun(e) => e.event_type(),
            RecordedEvent::Delivery(e) => e.event_type(),
        }
    }
}

impl StoredEvent {
    /// Upcasts the payload to today's shape and decodes it.
    ///
    /// # Errors
    /// [`ProjectionError::Undecodable`] for a payload this Riff cannot read.
    pub fn decode(&self) -> Result<Envelope, ProjectionError> {
        let upcast = upcast::upcast(SerializedEvent {
            aggregate_id: self.aggregate_id.clone(),
            sequence: usize::try_from(self.sequence).unwrap_or_default(),
            aggregate_type: self.aggregate_type.clone(),
            event_type: self.event_type.clone(),
            event_version: self.event_version.clone(),
            payload: self.payload.clone(),
            metadata: self.metadata.clone(),
        });
        let undecodable = |message: String| ProjectionError::Undecodable {
            position: self.position,
            event_type: self.event_type.clone(),
            event_version: self.event_version.clone(),
            message,
        };
        let event = match self.aggregate_type.as_str() {
            Product::TYPE => serde_json::from_value(upcast.payload).map(RecordedEvent::Product),
            Listing::TYPE => serde_json::from_value(upcast.payload).map(RecordedEvent::Listing),
            Settings::TYPE => serde_json::from_value(upcast.payload).map(RecordedEvent::Settings),
            SyncRun::TYPE => serde_json::from_value(upcast.payload).map(RecordedEvent::SyncRun),
            Delivery::TYPE => serde_json::from_value(upcast.payload).map(RecordedEvent::Delivery),
            other => return Err(undecodable(format!("unknown aggregate type {other:?}"))),
        }
        .map_err(|e| undecodable(e.to_string()))?;
        let metadata = serde_json::from_value(self.metadata.clone())
            .ok()
            .and_then(|map| EventMetadata::from_map(&map).ok());
        Ok(Envelope {
            position: self.position,
            aggregate_id: self.aggregate_id.clone(),
            sequence: self.sequence,
            recorded_at: self.recorded_at,
            metadata,
            event,
        })
    }
}

/// The highest position a reader may go up to now: every event at or below
/// it is committed or rolled back for good.
///
/// # Errors
/// The database could not be asked.
pub async fn safe_position(db: &Db) -> Result<i64, ProjectionError> {
    let sql = match db.backend() {
        // See events_safe_position in migrations/postgres/0001_events.sql.
        Backend::Postgres => "select events_safe_position()",
        // One writer at a time, positions in commit order: whatever is
        // visible is final.
        Backend::Sqlite => "select coalesce(max(position), 0) from events",
    };
    Ok(sqlx::query_scalar(sql).fetch_one(&db.views).await?)
}

/// The columns of an events query, as text both backends return alike.
fn columns(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "position, aggregate_type, aggregate_id, sequence, event_type, event_version, \
             payload::text as payload, metadata::text as metadata, \
             to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') as recorded_at"
        }
        Backend::Sqlite => {
            "position, aggregate_type, aggregate_id, sequence, event_type, event_version, \
             payload, metadata, recorded_at"
        }
    }
}

/// Up to `limit` events after `after`, in position order, none of which can
/// be overtaken by a later commit.
///
/// # Errors
/// The database could not be read.
pub async fn read_after(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, ProjectionError> {
    // The bound is taken in its own statement first; the read below runs in
    // a newer snapshot and so sees every event committed at or below it.
    let bound = safe_position(db).await?;
    if bound <= after {
        return Ok(vec![]);
    }
    let sql = format!(
        "select {} from events where position > $1 and position <= $2 \
         order by position limit $3",
        columns(db.backend())
    );
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(bound)
        .bind(limit)
        .fetch_all(&db.views)
        .await?;
    rows.iter().map(stored_event).collect()
}

/// Every event of the given aggregates, oldest first: a product's history
/// with its listings'.
///
/// # Errors
/// The database could not be read.
pub async fn events_of(
    db: &Db,
    aggregates: &[(&str, &str)],
) -> Result<Vec<StoredEvent>, ProjectionError> {
    let sql = format!(
        "select {} from events where aggregate_type = $1 and aggregate_id = $2",
        columns(db.backend())
    );
    let mut all = vec![];
    for (aggregate_type, aggregate_id) in aggregates {
        let rows = sqlx::query(&sql)
            .bind(*aggregate_type)
            .bind(*aggregate_id)
            .fetch_all(&db.views)
            .await?;
        for row in &rows {
            all.push(stored_event(row)?);
        }
    }
    all.sort_by_key(|e| e.position);
    Ok(all)
}

/// The events at the given positions, in position order.
///
/// # Errors
/// The database could not be read.
pub async fn at_positions(db: &Db, positions: &[i64]) -> Result<Vec<StoredEvent>, ProjectionError> {
    if positions.is_empty() {
        return Ok(vec![]);
    }
    let placeholders: Vec<String> = (1..=positions.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "select {} from events where position in ({}) order by position",
        columns(db.backend()),
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for position in positions {
        query = query.bind(*position);
    }
    query
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(stored_event)
        .collect()
}

/// The position of the newest event of one aggregate: what a command just
/// appended, for read-your-writes.
///
/// # Errors
/// The database could not be read.
pub async fn last_position_of(
    db: &Db,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<i64, ProjectionError> {
    Ok(sqlx::query_scalar(
        "select coalesce(max(position), 0) from events \
         where aggregate_type = $1 and aggregate_id = $2",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .fetch_one(&db.views)
    .await?)
}

fn stored_event(row: &AnyRow) -> Result<StoredEvent, ProjectionError> {
    let json = |col: &str| -> Result<serde_json::Value, sqlx::Error> {
        let text: String = row.try_get(col)?;
        serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    let recorded: String = row.try_get("recorded_at")?;
    Ok(StoredEvent {
        position: row.try_get("position")?,
        aggregate_type: row.try_get("aggregate_type")?,
        aggregate_id: row.try_get("aggregate_id")?,
        sequence: row.try_get("sequence")?,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        payload: json("payload")?,
        metadata: json("metadata")?,
        recorded_at: DateTime::parse_from_rfc3339(&recorded)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
            .with_timezone(&Utc),
    })
}
