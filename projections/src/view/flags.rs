//! The flags view: the owner's review queue. Which events raise a flag and
//! what it says is decided in `riff_domain::flag`; this view only records
//! it, and records its resolution.

use async_trait::async_trait;
use cqrs_es::Aggregate;
use riff_domain::delivery::Delivery;
use riff_domain::flag::{
    raised_by_listing, raised_by_product, resolved_by_listing, resolved_by_product, FlagKind,
    Raised,
};
use riff_domain::{Listing, Product, Settings, SyncRun};
use serde::de::value::StrDeserializer;
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::one_at_a_time::OneAtATime;
use super::timestamp;
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct Flags;

#[async_trait]
impl OneAtATime for Flags {
    const NAME: &'static str = "flags";
    const TABLES: &'static [&'static str] = &["flags"];
    const AGGREGATE_TYPES: &'static [&'static str] = &[
        Product::TYPE,
        Listing::TYPE,
        Settings::TYPE,
        SyncRun::TYPE,
        Delivery::TYPE,
    ];

    async fn apply_one(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        let (aggregate_type, raised, resolved) = match &envelope.event {
            RecordedEvent::Product(event) => (
                "product",
                raised_by_product(event),
                resolved_by_product(event),
            ),
            RecordedEvent::Listing(event) => (
                "listing",
                raised_by_listing(event),
                resolved_by_listing(event),
            ),
            RecordedEvent::Settings(_) | RecordedEvent::SyncRun(_) | RecordedEvent::Delivery(_) => {
                return Ok(())
            }
        };
        let at = timestamp(envelope.recorded_at);
        if let Some(Raised { kind, message }) = raised {
            sqlx::query(
                "insert into flags (id, kind, aggregate_type, aggregate_id, sequence, message, \
                 raised_at, status) values ($1, $2, $3, $4, $5, $6, $7, 'open')",
            )
            .bind(envelope.position)
            .bind(kind.as_str())
            .bind(aggregate_type)
            .bind(&envelope.aggregate_id)
            .bind(envelope.sequence)
            .bind(message)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
        }
        if let Some((sequence, note)) = resolved {
            let actor = envelope.metadata.as_ref().map(|m| m.actor.clone());
            sqlx::query(
                "update flags set status = 'resolved', resolved_at = $4, resolved_by = $5, \
                 note = $6 where aggregate_type = $1 and aggregate_id = $2 and sequence = $3",
            )
            .bind(aggregate_type)
            .bind(&envelope.aggregate_id)
            .bind(i64::try_from(sequence).unwrap_or(i64::MAX))
            .bind(&at)
            .bind(actor)
            .bind(note)
            .execute(conn)
            .await?;
        }
        Ok(())
    }
}

/// A flag as the review queue shows it; read from its row column by
/// column, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FlagRow {
    pub id: i64,
    pub kind: String,
    /// The product concerned; for a listing flag, the listing's product
    /// once it is linked.
    pub sku: Option<String>,
    pub platform: Option<String>,
    pub external_id: Option<String>,
    pub message: String,
    pub raised_at: String,
    pub status: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    pub note: Option<String>,
    /// What raised it, for resolving.
    #[serde(skip)]
    pub aggregate_type: String,
    #[serde(skip)]
    pub aggregate_id: String,
    #[serde(skip)]
    pub sequence: i64,
}

/// Listing flags name their product and platform through the listings view.
const SELECT: &str = "select f.*, \
     case when f.aggregate_type = 'product' then f.aggregate_id else l.sku end as sku, \
     l.platform as platform, l.external_id as external_id \
     from flags f left join listing_index l \
     on f.aggregate_type = 'listing' and l.listing_id = f.aggregate_id";

/// Whether a flag still waits for the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagStatus {
    Open,
    Resolved,
}

impl FlagStatus {
    /// The status as stored, and as [`FlagRow::status`] says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Resolved => "resolved",
        }
    }

    /// The status named `open` or `resolved`; `None` for any other name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Open, Self::Resolved]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// The kind named as [`FlagKind::as_str`] names it (and as
/// [`FlagRow::kind`] says it); `None` for a name no kind has.
pub fn kind_named(name: &str) -> Option<FlagKind> {
    let name: StrDeserializer<'_, serde::de::value::Error> = name.into_deserializer();
    FlagKind::deserialize(name).ok()
}

/// Flags, newest first, optionally of one status and one kind.
///
/// # Errors
/// The database could not be read.
pub async fn list(
    db: &Db,
    status: Option<FlagStatus>,
    kind: Option<FlagKind>,
) -> Result<Vec<FlagRow>, ProjectionError> {
    let sql = format!(
        "{SELECT} where ($1 = '' or f.status = $1) and ($2 = '' or f.kind = $2) order by f.id desc"
    );
    Ok(sqlx::query_as(&sql)
        .bind(status.map_or("", FlagStatus::as_str))
        .bind(kind.map_or("", FlagKind::as_str))
        .fetch_all(&db.views)
        .await?)
}

/// One flag.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, id: i64) -> Result<Option<FlagRow>, ProjectionError> {
    let sql = format!("{SELECT} where f.id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&db.views)
        .await?)
}
