//! The sales view: every sale of every product, oversells included, and the
//! totals a shop owner looks at.

use std::collections::{BTreeMap, HashMap};

use cqrs_es::Aggregate;
use riff_domain::policy::Sale;
use riff_domain::{Product, ProductEvent};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{batch_view, insert_sql, timestamp, CopyRows};
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct Sales;

batch_view!(Sales, "sales", Product::TYPE, record_sales);

/// Collects the batch's sales in memory — a sale recorded twice keeps
/// its first figures and takes its latest status, as the upsert does —
/// and writes them a few hundred per statement.
async fn record_sales(
    conn: &mut AnyConnection,
    envelopes: &[Envelope],
    _copy: Option<&mut CopyRows>,
) -> Result<(), sqlx::Error> {
    let mut sales = SalesBatch::default();
    for envelope in envelopes {
        let RecordedEvent::Product(event) = &envelope.event else {
            continue;
        };
        let sku = envelope.aggregate_id.as_str();
        match event {
            ProductEvent::ProductSold { sale, .. } => sales.record(sku, sale, "sold"),
            ProductEvent::SaleConflictDetected { winner, loser, .. } => {
                if let Some(winner) = winner {
                    sales.record(sku, winner, "sold");
                }
                sales.record(sku, loser, "conflict");
            }
            _ => {}
        }
    }
    for chunk in sales.rows.chunks(CHUNK) {
        upsert(conn, chunk).await?;
    }
    Ok(())
}

/// Rows per statement: 10 columns × 500 stays under both backends' limits.
const CHUNK: usize = 500;

/// A sale about to be written.
struct SaleRecord<'a> {
    sku: &'a str,
    sale: &'a Sale,
    status: &'static str,
}

/// A batch's sales, each (product, channel, order) once, in the order
/// first seen.
#[derive(Default)]
struct SalesBatch<'a> {
    rows: Vec<SaleRecord<'a>>,
    index: HashMap<(&'a str, &'a str, &'a str), usize>,
}

impl<'a> SalesBatch<'a> {
    fn record(&mut self, sku: &'a str, sale: &'a Sale, status: &'static str) {
        let key = (sku, sale.channel.as_str(), sale.order_ref.as_str());
        match self.index.get(&key) {
            Some(&i) => self.rows[i].status = status,
            None => {
                self.index.insert(key, self.rows.len());
                self.rows.push(SaleRecord { sku, sale, status });
            }
        }
    }
}

async fn upsert(conn: &mut AnyConnection, sales: &[SaleRecord<'_>]) -> Result<(), sqlx::Error> {
    const COLUMNS: [&str; 10] = [
        "sku",
        "channel",
        "order_ref",
        "order_number",
        "sold_at",
        "price_minor",
        "currency",
        "quantity",
        "status",
        "month",
    ];
    let sql = insert_sql(conn, "sales", &COLUMNS, sales.len())
        + " on conflict (sku, channel, order_ref) do update set status = excluded.status";
    let mut query = sqlx::query(&sql);
    for SaleRecord { sku, sale, status } in sales {
        query = query
            .bind(*sku)
            .bind(sale.channel.as_str())
            .bind(&sale.order_ref)
            .bind(sale.order_number.clone())
            .bind(timestamp(sale.sold_at))
            .bind(sale.price.minor_units())
            .bind(sale.price.currency.as_str())
            .bind(i64::from(sale.quantity))
            .bind(*status)
            .bind(sale.sold_at.format("%Y-%m").to_string());
    }
    query.execute(conn).await?;
    Ok(())
}

/// One sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleRow {
    pub sku: String,
    /// `shop`, `ebay`, `reverb`, `shopify` or `vr`.
    pub platform: String,
    /// The line reference Riff keeps a sale once by.
    pub order_ref: String,
    /// The order number the platform shows the seller, where it has one.
    pub order_number: Option<String>,
    pub sold_at: String,
    /// The unit price, a decimal string.
    pub price: String,
    pub currency: String,
    pub quantity: i64,
    /// `sold`, or `conflict` for an oversell the owner must resolve.
    pub status: String,
}

/// A count and the money it brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Total {
    pub count: i64,
    pub revenue: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthTotal {
    pub month: String,
    pub count: i64,
    pub revenue: String,
}

/// Totals count sales that stand; oversells are listed but not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub count: i64,
    pub revenue: String,
    pub by_platform: BTreeMap<String, Total>,
    pub by_month: Vec<MonthTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SalesReport {
    pub items: Vec<SaleRow>,
    pub totals: Totals,
}

/// Which sales to report; times are compared as stored (UTC, RFC 3339).
#[derive(Debug, Clone, Default)]
pub struct SalesQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub platform: Option<String>,
}

fn money(minor: i64) -> String {
    Decimal::new(minor, 2).to_string()
}

/// Sales newest first, with totals over the same selection.
///
/// # Errors
/// The database could not be read.
pub async fn report(db: &Db, query: &SalesQuery) -> Result<SalesReport, ProjectionError> {
    let filter = "where ($1 = '' or sold_at >= $1) and ($2 = '' or sold_at < $2) \
                  and ($3 = '' or channel = $3)";
    fn bind<'q>(
        sql: &'q str,
        query: &SalesQuery,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        sqlx::query(sql)
            .bind(query.from.clone().unwrap_or_default())
            .bind(query.to.clone().unwrap_or_default())
            .bind(query.platform.clone().unwrap_or_default())
    }
    let items_sql = format!("select * from sales {filter} order by sold_at desc, order_ref");
    let items = bind(&items_sql, query)
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(|row: &AnyRow| {
            Ok(SaleRow {
                sku: row.try_get("sku")?,
                platform: row.try_get("channel")?,
                order_ref: row.try_get("order_ref")?,
                order_number: row.try_get("order_number")?,
                sold_at: row.try_get("sold_at")?,
                price: money(row.try_get("price_minor")?),
                currency: row.try_get("currency")?,
                quantity: row.try_get("quantity")?,
                status: row.try_get("status")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;

    let group = |key: &str| {
        format!(
            "select {key} as k, count(*) as n, cast(coalesce(sum(price_minor * quantity), 0) as bigint) as revenue \
             from sales {filter} and status = 'sold' group by {key} order by {key}"
        )
    };
    let mut by_platform = BTreeMap::new();
    let (mut count, mut revenue) = (0, 0);
    for row in bind(&group("channel"), query).fetch_all(&db.views).await? {
        let (n, minor): (i64, i64) = (row.try_get("n")?, row.try_get("revenue")?);
        count += n;
        revenue += minor;
        by_platform.insert(
            row.try_get("k")?,
            Total {
                count: n,
                revenue: money(minor),
            },
        );
    }
    let by_month = bind(&group("month"), query)
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(|row| {
            Ok(MonthTotal {
                month: row.try_get("k")?,
                count: row.try_get("n")?,
                revenue: money(row.try_get("revenue")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(SalesReport {
        items,
        totals: Totals {
            count,
            revenue: money(revenue),
            by_platform,
            by_month,
        },
    })
}

/// The status of one recorded sale (`sold` or `conflict`), if recorded.
///
/// # Errors
/// The database could not be read.
pub async fn status_of(
    db: &Db,
    sku: &str,
    channel: &str,
    order_ref: &str,
) -> Result<Option<String>, ProjectionError> {
    Ok(sqlx::query_scalar(
        "select status from sales where sku = $1 and channel = $2 and order_ref = $3",
    )
    .bind(sku)
    .bind(channel)
    .bind(order_ref)
    .fetch_optional(&db.views)
    .await?)
}
