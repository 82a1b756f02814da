//! The inventory view: one row per product, for the inventory list (filter,
//! sort, page) and the head of the product page.

use async_trait::async_trait;
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::{Media, ProductDetails};
use riff_domain::{ProductEvent, ProductStatus};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{timestamp, View};
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct Inventory;

#[async_trait]
impl View for Inventory {
    fn name(&self) -> &'static str {
        "inventory"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["inventory"]
    }

    async fn apply(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        let RecordedEvent::Product(event) = &envelope.event else {
            return Ok(());
        };
        let sku = envelope.aggregate_id.as_str();
        let at = timestamp(envelope.recorded_at);
        let version = envelope.sequence;
        match event {
            ProductEvent::ProductCreated {
                sku: _,
                details,
                price,
                quantity,
                source: _,
            } => {
                sqlx::query(
                    "insert into inventory (sku, title, brand, model, year, finish, category, \
                     condition, description, price_minor, currency, quantity, status, version, \
                     media, search, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '[]', \
                     $15, $16, $16)",
                )
                .bind(sku)
                .bind(&details.title)
                .bind(&details.brand)
                .bind(&details.model)
                .bind(details.year.map(i64::from))
                .bind(&details.finish)
                .bind(&details.category)
                .bind(details.condition.as_str())
                .bind(&details.description)
                .bind(price.minor_units())
                .bind(price.currency.as_str())
                .bind(i64::from(*quantity))
                .bind(ProductStatus::Active.as_str())
                .bind(version)
                .bind(search_text(sku, details))
                .bind(&at)
                .execute(conn)
                .await?;
            }
            ProductEvent::DetailsRevised { details } => {
                sqlx::query(
                    "update inventory set title = $2, brand = $3, model = $4, year = $5, \
                     finish = $6, category = $7, condition = $8, description = $9, search = $10, \
                     version = $11, updated_at = $12 where sku = $1",
                )
                .bind(sku)
                .bind(&details.title)
                .bind(&details.brand)
                .bind(&details.model)
                .bind(details.year.map(i64::from))
                .bind(&details.finish)
                .bind(&details.category)
                .bind(details.condition.as_str())
                .bind(&details.description)
                .bind(search_text(sku, details))
                .bind(version)
                .bind(&at)
                .execute(conn)
                .await?;
            }
            ProductEvent::PriceChanged { price, .. } => {
                sqlx::query(
                    "update inventory set price_minor = $2, currency = $3, version = $4, \
                     updated_at = $5 where sku = $1",
                )
                .bind(sku)
                .bind(price.minor_units())
                .bind(price.currency.as_str())
                .bind(version)
                .bind(&at)
                .execute(conn)
                .await?;
            }
            ProductEvent::QuantityAdjusted { quantity, .. } => {
                let status = current_status(conn, sku).await?.after_recount(*quantity);
                set_stock(conn, sku, *quantity, status, version, &at).await?;
            }
            ProductEvent::ProductSold { remaining, .. }
            | ProductEvent::SaleConflictDetected { remaining, .. } => {
                let status = current_status(conn, sku).await?.after_sale(*remaining);
                set_stock(conn, sku, *remaining, status, version, &at).await?;
            }
            ProductEvent::MediaAttached { media } => {
                let mut all = current_media(conn, sku).await?;
                all.push(media.clone());
                set_media(conn, sku, &all, version, &at).await?;
            }
            ProductEvent::MediaRemoved { media_id } => {
                let mut all = current_media(conn, sku).await?;
                all.retain(|m| m.id != *media_id);
                set_media(conn, sku, &all, version, &at).await?;
            }
            ProductEvent::FlagResolved { .. } => {
                sqlx::query("update inventory set version = $2, updated_at = $3 where sku = $1")
                    .bind(sku)
                    .bind(version)
                    .bind(&at)
                    .execute(conn)
                    .await?;
            }
            ProductEvent::ProductArchived { .. } => {
                sqlx::query(
                    "update inventory set status = $2, version = $3, updated_at = $4 where sku = $1",
                )
                .bind(sku)
                .bind(ProductStatus::Archived.as_str())
                .bind(version)
                .bind(&at)
                .execute(conn)
                .await?;
            }
        }
        Ok(())
    }
}

fn search_text(sku: &str, details: &ProductDetails) -> String {
    format!(
        "{sku} {} {} {}",
        details.title, details.brand, details.model
    )
    .to_lowercase()
}

async fn current_status(conn: &mut AnyConnection, sku: &str) -> Result<ProductStatus, sqlx::Error> {
    let status: String = sqlx::query_scalar("select status from inventory where sku = $1")
        .bind(sku)
        .fetch_one(conn)
        .await?;
    Ok(match status.as_str() {
        "sold" => ProductStatus::Sold,
        "archived" => ProductStatus::Archived,
        _ => ProductStatus::Active,
    })
}

async fn set_stock(
    conn: &mut AnyConnection,
    sku: &str,
    quantity: u32,
    status: ProductStatus,
    version: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update inventory set quantity = $2, status = $3, version = $4, updated_at = $5 \
         where sku = $1",
    )
    .bind(sku)
    .bind(i64::from(quantity))
    .bind(status.as_str())
    .bind(version)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

async fn current_media(conn: &mut AnyConnection, sku: &str) -> Result<Vec<Media>, sqlx::Error> {
    let json: String = sqlx::query_scalar("select media from inventory where sku = $1")
        .bind(sku)
        .fetch_one(conn)
        .await?;
    serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

async fn set_media(
    conn: &mut AnyConnection,
    sku: &str,
    media: &[Media],
    version: i64,
    at: &str,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(media).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("update inventory set media = $2, version = $3, updated_at = $4 where sku = $1")
        .bind(sku)
        .bind(json)
        .bind(version)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// One product as the inventory list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryItem {
    pub sku: String,
    pub title: String,
    pub brand: String,
    pub model: String,
    pub year: Option<i64>,
    pub finish: Option<String>,
    pub category: String,
    pub condition: String,
    pub description: Option<String>,
    /// A decimal string, e.g. `"1499.00"`.
    pub price: String,
    pub currency: String,
    pub quantity: i64,
    pub status: String,
    pub version: i64,
    pub media: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}

impl InventoryItem {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let media: String = row.try_get("media")?;
        Ok(Self {
            sku: row.try_get("sku")?,
            title: row.try_get("title")?,
            brand: row.try_get("brand")?,
            model: row.try_get("model")?,
            year: row.try_get("year")?,
            finish: row.try_get("finish")?,
            category: row.try_get("category")?,
            condition: row.try_get("condition")?,
            description: row.try_get("description")?,
            price: Decimal::new(row.try_get("price_minor")?, 2).to_string(),
            currency: row.try_get("currency")?,
            quantity: row.try_get("quantity")?,
            status: row.try_get("status")?,
            version: row.try_get("version")?,
            media: serde_json::from_str(&media).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// A column the list can be sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortColumn {
    Sku,
    Title,
    Brand,
    Model,
    Year,
    Category,
    Condition,
    Price,
    Quantity,
    Status,
    #[default]
    CreatedAt,
    UpdatedAt,
}

impl SortColumn {
    /// Parses the `sort` parameter.
    ///
    /// # Errors
    /// A name that is not a column, with the list of those that are.
    pub fn parse(raw: &str) -> Result<Self, String> {
        Ok(match raw {
            "sku" => Self::Sku,
            "title" => Self::Title,
            "brand" => Self::Brand,
            "model" => Self::Model,
            "year" => Self::Year,
            "category" => Self::Category,
            "condition" => Self::Condition,
            "price" => Self::Price,
            "quantity" => Self::Quantity,
            "status" => Self::Status,
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            other => {
                return Err(format!(
                    "cannot sort by {other:?}; use sku, title, brand, model, year, category, \
                     condition, price, quantity, status, created_at or updated_at"
                ))
            }
        })
    }

    fn column(self) -> &'static str {
        match self {
            Self::Sku => "sku",
            Self::Title => "title",
            Self::Brand => "brand",
            Self::Model => "model",
            Self::Year => "year",
            Self::Category => "category",
            Self::Condition => "condition",
            Self::Price => "price_minor",
            Self::Quantity => "quantity",
            Self::Status => "status",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
        }
    }
}

/// Filters, order and page of an inventory list. Text filters match
/// without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryQuery {
    /// Searches SKU, title, brand and model.
    pub q: Option<String>,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub condition: Option<String>,
    pub status: Option<String>,
    /// Only products with a listing up (pending, live or ending) on this
    /// platform.
    pub listed_on: Option<String>,
    /// Only products with no listing up on this platform.
    pub not_listed_on: Option<String>,
    /// Price bounds in minor units, inclusive.
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    pub sort: SortColumn,
    pub descending: bool,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
}

impl Default for InventoryQuery {
    fn default() -> Self {
        Self {
            q: None,
            brand: None,
            category: None,
            condition: None,
            status: None,
            listed_on: None,
            not_listed_on: None,
            min_price_minor: None,
            max_price_minor: None,
            sort: SortColumn::CreatedAt,
            descending: true,
            page: 1,
            per_page: 50,
        }
    }
}

/// One page of the list and how many products match in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryPage {
    pub items: Vec<InventoryItem>,
    pub total: i64,
}

/// Lists products.
///
/// # Errors
/// The database could not be read.
pub async fn list(db: &Db, query: &InventoryQuery) -> Result<InventoryPage, ProjectionError> {
    let mut conditions = vec![];
    let mut args: Vec<String> = vec![];
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        args.push(format!("%{}%", escape_like(&q.trim().to_lowercase())));
        conditions.push(format!("search like ${} escape '\\'", args.len()));
    }
    for (column, value) in [
        ("brand", &query.brand),
        ("category", &query.category),
        ("condition", &query.condition),
        ("status", &query.status),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            args.push(value.trim().to_lowercase());
            conditions.push(format!("lower({column}) = ${}", args.len()));
        }
    }
    for (platform, negate) in [(&query.listed_on, ""), (&query.not_listed_on, "not ")] {
        if let Some(platform) = platform.as_deref().filter(|v| !v.trim().is_empty()) {
            args.push(platform.trim().to_lowercase());
            conditions.push(format!(
                "{negate}exists (select 1 from product_listings l where l.sku = inventory.sku \
                 and l.platform = ${} and l.status in {LISTING_UP})",
                args.len()
            ));
        }
    }
    // Prices are numbers the API parsed: safe to write into the SQL.
    if let Some(min) = query.min_price_minor {
        conditions.push(format!("price_minor >= {min}"));
    }
    if let Some(max) = query.max_price_minor {
        conditions.push(format!("price_minor <= {max}"));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("where {}", conditions.join(" and "))
    };

    let direction = if query.descending { "desc" } else { "asc" };
    let per_page = i64::from(query.per_page);
    let offset = i64::from(query.page.saturating_sub(1)) * per_page;
    // With a filter the matching rows are scanned anyway, so the total is
    // counted in the same scan (a window over the filtered rows). Without
    // one, the page is read in order straight from an index and the total
    // is a plain count.
    let total_column = if conditions.is_empty() {
        ""
    } else {
        ", count(*) over () as total"
    };
    let list_sql = format!(
        "select *{total_column} from inventory {filter} \
         order by {column} {direction}, sku {direction} limit {per_page} offset {offset}",
        column = query.sort.column(),
    );
    let mut list = sqlx::query(&list_sql);
    for arg in &args {
        list = list.bind(arg);
    }
    let rows = list.fetch_all(&db.views).await?;
    let total: i64 = match rows.first() {
        Some(row) if !conditions.is_empty() => row.try_get("total")?,
        _ => {
            let count_sql = format!("select count(*) from inventory {filter}");
            let mut count = sqlx::query_scalar(&count_sql);
            for arg in &args {
                count = count.bind(arg);
            }
            count.fetch_one(&db.views).await?
        }
    };
    let items = rows
        .iter()
        .map(InventoryItem::from_row)
        .collect::<Result<_, _>>()?;
    Ok(InventoryPage { items, total })
}

/// One product, if it exists.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, sku: &str) -> Result<Option<InventoryItem>, ProjectionError> {
    let row = sqlx::query("select * from inventory where sku = $1")
        .bind(sku)
        .fetch_optional(&db.views)
        .await?;
    Ok(row.as_ref().map(InventoryItem::from_row).transpose()?)
}

/// The listing statuses that mean "on the platform, or about to be".
const LISTING_UP: &str = "('pending', 'live', 'ending')";

/// One option of a filter dropdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub count: i64,
}

/// The options of every filter dropdown with their product counts, each
/// ordered as the shop chose (most products first, or A to Z).
///
/// # Errors
/// The database could not be read.
pub async fn facets(
    db: &Db,
    orders: &[(DropdownField, DropdownOrder)],
) -> Result<Vec<(DropdownField, Vec<FacetValue>)>, ProjectionError> {
    let mut all = vec![];
    for (field, order) in orders {
        let sql = match field {
            DropdownField::Platform => format!(
                "select platform as v, count(distinct sku) as n from product_listings \
                 where sku is not null and status in {LISTING_UP} group by platform"
            ),
            other => format!(
                "select {0} as v, count(*) as n from inventory group by {0}",
                other.as_str()
            ),
        };
        let mut values: Vec<FacetValue> = sqlx::query(&sql)
            .fetch_all(&db.views)
            .await?
            .iter()
            .map(|row| {
                Ok(FacetValue {
                    value: row.try_get("v")?,
                    count: row.try_get("n")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        match order {
            DropdownOrder::Count => values.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| a.value.to_lowercase().cmp(&b.value.to_lowercase()))
            }),
            DropdownOrder::Alpha => values.sort_by_key(|v| v.value.to_lowercase()),
        }
        all.push((*field, values));
    }
    Ok(all)
}

/// `%` and `_` typed by a user are literal characters, not wildcards.
fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
