//! Reading the global log.
//!
//! Every reader — the projector, the sagas to come, `GET /api/events` —
//! reads by position through [`read_after`], which returns only events that
//! can no longer be overtaken: no event will ever commit at or below the last
//! position it returns. That is what makes "read after my checkpoint" safe.

use chrono::{DateTime, Utc};
use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::Aggregate;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use riff_domain::delivery::{Delivery, DeliveryEvent};
use riff_domain::{
    upcast, EventMetadata, Listing, ListingEvent, Product, ProductEvent, Settings, SettingsEvent,
    SyncRun, SyncRunEvent,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqlitePool;
use sqlx::{Connection, Row};

use crate::pool::StorePool;
use crate::{Backend, Db, ProjectionError};

mod aggregate_rows;
pub mod chain;

/// An event as stored, with its place in the log, its payload and
/// metadata as `T`: parsed ([`StoredEvent`]), or the stored text byte for
/// byte, as the hash chain covers it ([`chain::Linked`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEvent<T> {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: T,
    pub metadata: T,
    pub recorded_at: DateTime<Utc>,
}

/// An event as stored, with its place in the log.
pub type StoredEvent = LogEvent<serde_json::Value>;

/// A decoded domain event of either aggregate.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordedEvent {
    Product(ProductEvent),
    Listing(ListingEvent),
    Settings(SettingsEvent),
    SyncRun(SyncRunEvent),
    Delivery(DeliveryEvent),
}

impl RecordedEvent {
    /// Whether this event brings a product or a listing into being: the
    /// first event of its history.
    pub fn creates_aggregate(&self) -> bool {
        matches!(
            self,
            Self::Product(ProductEvent::ProductCreated { .. })
                | Self::Listing(
                    ListingEvent::ListingRequested { .. } | ListingEvent::ExternallyDetected { .. }
                )
        )
    }
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
        let event = event_from(&self.aggregate_type, upcast.payload).map_err(undecodable)?;
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

/// Decodes a payload of today's shape into the event of its aggregate type.
fn event_from<'de, D>(aggregate_type: &str, payload: D) -> Result<RecordedEvent, String>
where
    D: serde::Deserializer<'de>,
{
    match aggregate_type {
        Product::TYPE => ProductEvent::deserialize(payload).map(RecordedEvent::Product),
        Listing::TYPE => ListingEvent::deserialize(payload).map(RecordedEvent::Listing),
        Settings::TYPE => SettingsEvent::deserialize(payload).map(RecordedEvent::Settings),
        SyncRun::TYPE => SyncRunEvent::deserialize(payload).map(RecordedEvent::SyncRun),
        Delivery::TYPE => DeliveryEvent::deserialize(payload).map(RecordedEvent::Delivery),
        other => return Err(format!("unknown aggregate type {other:?}")),
    }
    .map_err(|e| e.to_string())
}

/// The metadata Riff writes, or `None` for a map it cannot read (events
/// appended by hand, by an older Riff). cqrs-es stores it as a map of
/// strings whose keys are [`EventMetadata`]'s fields, so it is read
/// straight into one: a replay reads a million of them.
fn metadata_from(metadata: &str) -> Option<EventMetadata> {
    serde_json::from_str(metadata).ok()
}

/// An event row as a replay reads it: payload and metadata still text,
/// every text borrowed from the row rather than copied out of it.
#[derive(Debug)]
struct RawEvent<'r> {
    position: i64,
    aggregate_type: &'r str,
    aggregate_id: &'r str,
    sequence: i64,
    event_type: &'r str,
    event_version: &'r str,
    payload: &'r str,
    metadata: &'r str,
    recorded_at: DateTime<Utc>,
}

impl<'r> RawEvent<'r> {
    /// The columns of [`ReplayPart::sql`] and of the hash chain's reads
    /// ([`chain`]), the recorded time aside: it is a timestamp on
    /// PostgreSQL and text on SQLite. Unchecked: the query names and types
    /// every column itself.
    fn from_row<R>(row: &'r R, recorded_at: DateTime<Utc>) -> Result<Self, sqlx::Error>
    where
        R: Row,
        usize: sqlx::ColumnIndex<R>,
        &'r str: sqlx::Decode<'r, R::Database>,
        i64: sqlx::Decode<'r, R::Database>,
    {
        Ok(Self {
            position: row.try_get_unchecked(0)?,
            aggregate_type: row.try_get_unchecked(1)?,
            aggregate_id: row.try_get_unchecked(2)?,
            sequence: row.try_get_unchecked(3)?,
            event_type: row.try_get_unchecked(4)?,
            event_version: row.try_get_unchecked(5)?,
            payload: row.try_get_unchecked(6)?,
            metadata: row.try_get_unchecked(7)?,
            recorded_at,
        })
    }

    /// Decodes the payload text straight into the typed event. Only an
    /// event of an old version goes through a `serde_json::Value` and the
    /// upcasters, exactly as [`StoredEvent::decode`] does.
    fn decode(&self, upcasters: &[Box<dyn EventUpcaster>]) -> Result<Envelope, ProjectionError> {
        let undecodable = |message: String| ProjectionError::Undecodable {
            position: self.position,
            event_type: self.event_type.to_owned(),
            event_version: self.event_version.to_owned(),
            message,
        };
        let old = upcasters
            .iter()
            .any(|u| u.can_upcast(self.event_type, self.event_version));
        let event = if old {
            let payload =
                serde_json::from_str(self.payload).map_err(|e| undecodable(e.to_string()))?;
            let upcast = upcast::upcast(SerializedEvent {
                aggregate_id: self.aggregate_id.to_owned(),
                sequence: usize::try_from(self.sequence).unwrap_or_default(),
                aggregate_type: self.aggregate_type.to_owned(),
                event_type: self.event_type.to_owned(),
                event_version: self.event_version.to_owned(),
                payload,
                metadata: serde_json::Value::Null,
            });
            event_from(self.aggregate_type, upcast.payload)
        } else {
            let mut payload = serde_json::Deserializer::from_str(self.payload);
            event_from(self.aggregate_type, &mut payload)
                .and_then(|event| payload.end().map(|()| event).map_err(|e| e.to_string()))
        }
        .map_err(undecodable)?;
        Ok(Envelope {
            position: self.position,
            metadata: metadata_from(self.metadata),
            aggregate_id: self.aggregate_id.to_owned(),
            sequence: self.sequence,
            recorded_at: self.recorded_at,
            event,
        })
    }
}

/// [`ReplayPart::REST`] as an SQL list, for the queries that name it.
macro_rules! rest_types {
    () => {
        "('settings', 'sync_run', 'delivery')"
    };
}

/// Which events [`for_replay`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplayPart {
    /// Every event of one aggregate type, each aggregate's events together
    /// and in sequence: the order of the events table's primary key.
    Grouped(&'static str),
    /// Every other aggregate type ([`ReplayPart::REST`]), in log order.
    Rest,
}

impl ReplayPart {
    /// The parts, in the order a replay reads them. Products come first:
    /// the inventory reads nothing else, so its table is full — and its
    /// indexes, the longest to build, can start — while the listings are
    /// still being read.
    pub(crate) const ALL: [Self; 3] = [
        Self::Grouped(Product::TYPE),
        Self::Grouped(Listing::TYPE),
        Self::Rest,
    ];

    /// The aggregate types read in log order, after the grouped ones: the
    /// types whose views depend on the order across aggregates (the latest
    /// sync per platform). [`ReplayPart::sql`] names them again.
    const REST: [&'static str; 3] = [Settings::TYPE, SyncRun::TYPE, Delivery::TYPE];

    /// Whether this part holds the events of any of `aggregate_types`.
    pub(crate) fn holds_any(self, aggregate_types: &[&str]) -> bool {
        aggregate_types.iter().any(|t| match self {
            Self::Grouped(grouped) => grouped == *t,
            Self::Rest => Self::REST.contains(t),
        })
    }

    /// The query that reads this part, on `backend`: the same columns as
    /// [`read_after`]'s, and the recorded time as the store's own type —
    /// but on SQLite a grouped part is read one row per aggregate
    /// ([`aggregate_rows`]). A grouped part binds its aggregate type as
    /// `$2`.
    fn sql(self, backend: Backend) -> &'static str {
        macro_rules! select {
            ($columns:literal, $part:expr) => {
                concat!(
                    "select position, aggregate_type, aggregate_id, sequence, event_type, ",
                    $columns,
                    " from events where position <= $1 and aggregate_type ",
                    $part
                )
            };
        }
        match (backend, self) {
            (Backend::Postgres, Self::Grouped(_)) => select!(
                "event_version, payload::text, metadata::text, recorded_at",
                "= $2 order by aggregate_id, sequence"
            ),
            (Backend::Postgres, Self::Rest) => select!(
                "event_version, payload::text, metadata::text, recorded_at",
                concat!("in ", rest_types!(), " order by position")
            ),
            // One row per aggregate: see `aggregate_rows`.
            (Backend::Sqlite, Self::Grouped(_)) => aggregate_rows::SQL,
            (Backend::Sqlite, Self::Rest) => select!(
                "event_version, payload, metadata, recorded_at",
                concat!("in ", rest_types!(), " order by position")
            ),
        }
    }

    /// The query that reads this part, with its arguments bound.
    fn query<DB: sqlx::Database>(
        self,
        backend: Backend,
        bound: i64,
    ) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments<'static>>
    where
        i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        &'static str: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    {
        let query = sqlx::query(self.sql(backend)).bind(bound);
        match self {
            Self::Grouped(aggregate_type) => query.bind(aggregate_type),
            Self::Rest => query,
        }
    }
}

/// Where a replay reads the log, on the event store's typed driver.
pub(crate) enum ReplaySource {
    /// A connection of the replay's own, on which PostgreSQL never sorts.
    /// Asked for a log of a million events grouped by aggregate, its
    /// planner prefers to sort the whole table — a parallel sort through
    /// half a gigabyte of temporary files — and hands over the first event
    /// only when that is done; walking the primary key instead streams from
    /// the first row, so the views start at once, and costs the server less
    /// in all (BENCHMARKS.md: 119–120k events/s against 103–105k).
    Postgres(PgConnection),
    Sqlite(SqlitePool),
}

impl ReplaySource {
    pub(crate) async fn open(store: &StorePool) -> Result<Self, ProjectionError> {
        Ok(match store {
            StorePool::Postgres(pool) => {
                let options = (*pool.connect_options())
                    .clone()
                    .options([("enable_sort", "off")]);
                Self::Postgres(PgConnection::connect_with(&options).await?)
            }
            StorePool::Sqlite(pool) => Self::Sqlite(pool.clone()),
        })
    }

    /// Lets PostgreSQL sort again, for [`ReplayPart::Rest`]: a few events
    /// of a few types, found through the primary key and sorted by
    /// position. Walking the position index instead, as an unsorted read
    /// must, would pass every event of the log (0.3 s of a million).
    pub(crate) async fn allow_sorting(&mut self) -> Result<(), ProjectionError> {
        if let Self::Postgres(conn) = self {
            sqlx::Executor::execute(&mut *conn, "set enable_sort = on").await?;
        }
        Ok(())
    }

    pub(crate) async fn close(self) -> Result<(), ProjectionError> {
        if let Self::Postgres(conn) = self {
            conn.close().await?;
        }
        Ok(())
    }
}

/// Every event at or below `bound` of one part of the log, decoded, as one
/// streamed query: no paging, and no conversion through sqlx's `Any`
/// driver.
pub(crate) fn for_replay(
    source: &mut ReplaySource,
    bound: i64,
    part: ReplayPart,
) -> BoxStream<'_, Result<Envelope, ProjectionError>> {
    let upcasters = upcast::upcasters();
    match source {
        ReplaySource::Postgres(conn) => part
            .query(Backend::Postgres, bound)
            .fetch(conn)
            .map_err(ProjectionError::from)
            .and_then(move |row| {
                let decoded = row
                    .try_get_unchecked(8)
                    .and_then(|at| RawEvent::from_row(&row, at))
                    .map_err(ProjectionError::from)
                    .and_then(|raw| raw.decode(&upcasters));
                futures::future::ready(decoded)
            })
            .boxed(),
        ReplaySource::Sqlite(pool) => match part {
            ReplayPart::Grouped(aggregate_type) => part
                .query(Backend::Sqlite, bound)
                .fetch(&*pool)
                .map_err(ProjectionError::from)
                .and_then(move |row| {
                    let events = aggregate_rows::decode(&row, aggregate_type, &upcasters);
                    futures::future::ready(events.map(|events| stream::iter(events).map(Ok)))
                })
                .try_flatten()
                .boxed(),
            ReplayPart::Rest => part
                .query(Backend::Sqlite, bound)
                .fetch(&*pool)
                .map_err(ProjectionError::from)
                .and_then(move |row| {
                    let decoded = row
                        .try_get_unchecked::<&str, _>(8)
                        .and_then(|at| {
                            DateTime::parse_from_rfc3339(at)
                                .map_err(|e| sqlx::Error::Decode(Box::new(e)))
                        })
                        .and_then(|at| RawEvent::from_row(&row, at.with_timezone(&Utc)))
                        .map_err(ProjectionError::from)
                        .and_then(|raw| raw.decode(&upcasters));
                    futures::future::ready(decoded)
                })
                .boxed(),
        },
    }
}

/// The aggregate types in the log, each found by one step down the events
/// table's primary key rather than by reading every event.
///
/// # Errors
/// The database could not be read.
pub(crate) async fn aggregate_types(db: &Db) -> Result<Vec<String>, ProjectionError> {
    Ok(sqlx::query_scalar(
        "with recursive types (t) as ( \
             select min(aggregate_type) from events \
             union all \
             select (select min(aggregate_type) from events where aggregate_type > types.t) \
             from types where types.t is not null) \
         select t from types where t is not null",
    )
    .fetch_all(&db.views)
    .await?)
}

/// How many events at or below `bound` there are in `part` of the log, or
/// in the whole log.
///
/// # Errors
/// The database could not be read.
pub(crate) async fn count(
    db: &Db,
    bound: i64,
    part: Option<ReplayPart>,
) -> Result<u64, ProjectionError> {
    let sql = match part {
        None => "select count(*) from events where position <= $1",
        Some(ReplayPart::Grouped(_)) => {
            "select count(*) from events where position <= $1 and aggregate_type = $2"
        }
        Some(ReplayPart::Rest) => concat!(
            "select count(*) from events where position <= $1 and aggregate_type in ",
            rest_types!()
        ),
    };
    let mut query = sqlx::query_scalar(sql).bind(bound);
    if let Some(ReplayPart::Grouped(aggregate_type)) = part {
        query = query.bind(aggregate_type);
    }
    let count: i64 = query.fetch_one(&db.views).await?;
    Ok(u64::try_from(count).unwrap_or_default())
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
pub(crate) fn columns(backend: Backend) -> &'static str {
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

pub(crate) fn stored_event(row: &AnyRow) -> Result<StoredEvent, ProjectionError> {
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

#[cfg(test)]
mod tests {
    use riff_domain::Source;

    use super::*;

    /// A replay that read a type twice, or never, would build views unlike
    /// the projector's.
    #[test]
    fn a_replay_reads_every_aggregate_type_in_exactly_one_part() {
        let types = [
            Product::TYPE,
            Listing::TYPE,
            Settings::TYPE,
            SyncRun::TYPE,
            Delivery::TYPE,
        ];
        for aggregate_type in types {
            let parts = ReplayPart::ALL
                .iter()
                .filter(|part| part.holds_any(&[aggregate_type]))
                .count();
            assert_eq!(parts, 1, "{aggregate_type} is read in {parts} parts");
        }
        let rest: Vec<String> = ReplayPart::REST.iter().map(|t| format!("'{t}'")).collect();
        assert_eq!(rest_types!(), format!("({})", rest.join(", ")));
    }

    #[test]
    fn metadata_is_read_from_the_string_map_cqrs_es_stores() {
        let mut meta = EventMetadata::new("ana", Source::Webhook);
        meta.causation_id = Some("listing/abc/3".into());
        let stored = serde_json::to_string(&meta.to_map()).unwrap();
        assert_eq!(metadata_from(&stored), Some(meta));
    }

    #[test]
    fn metadata_riff_cannot_read_is_none() {
        let mut map = EventMetadata::new("ana", Source::Cli).to_map();
        map.remove("source");
        assert_eq!(metadata_from(&serde_json::to_string(&map).unwrap()), None);
        assert_eq!(metadata_from(r#"{"actor": "ana", "source": "fax"}"#), None);
        assert_eq!(metadata_from("{}"), None);
    }
}
