//! The inventory view: one row per product, for the inventory list (filter,
//! sort, page) and the head of the product page.

use std::collections::HashMap;

use cqrs_es::Aggregate;
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::{Media, ProductDetails, ProductDetailsInput};
use riff_domain::{Product, ProductEvent, ProductStatus};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::batch_view;
use super::fold::{concat, fold, Cell, Folded};
use super::timestamp;
use crate::log::{Envelope, RecordedEvent};
use crate::{Backend, Db, ProjectionError};

pub struct Inventory;

// Folds each batch into its rows in memory (`super::fold`).
batch_view!(Inventory, "inventory", Product::TYPE, fold::<StockRow>);

/// An inventory row while a batch is folded into it.
struct StockRow {
    sku: String,
    details: ProductDetails,
    price_minor: i64,
    currency: String,
    quantity: i64,
    status: ProductStatus,
    version: i64,
    media: Vec<Media>,
    created_at: String,
    updated_at: String,
}

impl StockRow {
    fn created(sku: &str, event: &ProductEvent, envelope: &Envelope) -> Option<Self> {
        let ProductEvent::ProductCreated {
            details,
            price,
            quantity,
            draft,
            ..
        } = event
        else {
            return None;
        };
        let at = timestamp(envelope.recorded_at);
        Some(Self {
            sku: sku.to_owned(),
            details: details.clone(),
            price_minor: price.minor_units(),
            currency: price.currency.to_string(),
            quantity: i64::from(*quantity),
            status: if *draft {
                ProductStatus::Draft
            } else {
                ProductStatus::Active
            },
            version: envelope.sequence,
            media: vec![],
            created_at: at.clone(),
            updated_at: at,
        })
    }

    fn apply(&mut self, event: &ProductEvent, envelope: &Envelope) {
        self.version = envelope.sequence;
        self.updated_at = timestamp(envelope.recorded_at);
        match event {
            ProductEvent::ProductCreated { .. } | ProductEvent::FlagResolved { .. } => {}
            ProductEvent::DetailsRevised { details } => self.details = details.clone(),
            ProductEvent::PriceChanged { price, .. } => {
                self.price_minor = price.minor_units();
                self.currency = price.currency.to_string();
            }
            ProductEvent::QuantityAdjusted { quantity, .. } => {
                self.quantity = i64::from(*quantity);
                self.status = self.status.after_recount(*quantity);
            }
            ProductEvent::ProductSold { remaining, .. }
            | ProductEvent::SaleConflictDetected { remaining, .. } => {
                self.quantity = i64::from(*remaining);
                self.status = self.status.after_sale(*remaining);
            }
            ProductEvent::MediaAttached { media } => self.media.push(media.clone()),
            ProductEvent::MediaRemoved { media_id } => self.media.retain(|m| m.id != *media_id),
            ProductEvent::MediaReordered { order } => {
                riff_domain::product::reorder_media(&mut self.media, order);
            }
            ProductEvent::ProductArchived { .. } => self.status = ProductStatus::Archived,
            ProductEvent::ProductActivated { price } => {
                self.price_minor = price.minor_units();
                self.currency = price.currency.to_string();
                self.status = ProductStatus::Active.after_sale(self.units());
            }
            ProductEvent::ProductRestored => {
                self.status = ProductStatus::Active.after_sale(self.units());
            }
        }
    }

    fn units(&self) -> u32 {
        u32::try_from(self.quantity).unwrap_or(0)
    }
}

fn search_text(sku: &str, details: &ProductDetails) -> String {
    format!(
        "{sku} {} {} {}",
        details.title, details.brand, details.model
    )
    .to_lowercase()
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

/// The `where` clause of a query, with its arguments in order.
struct Filter {
    sql: String,
    args: Vec<String>,
}

impl Filter {
    fn of(query: &InventoryQuery, backend: Backend) -> Self {
        let mut conditions = vec![];
        let mut args: Vec<String> = vec![];
        if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
            let q = q.trim().to_lowercase();
            if backend == Backend::Sqlite && q.chars().count() >= 3 {
                // FTS5's trigram index (migrations/sqlite/0010): a quoted
                // phrase matches anywhere in the text, as `like` does.
                args.push(format!("\"{}\"", q.replace('"', "\"\"")));
                conditions.push(format!(
                    "inventory.rowid in (select rowid from inventory_search \
                     where inventory_search match ${})",
                    args.len()
                ));
            } else {
                // PostgreSQL's trigram index serves this `like`; on SQLite
                // a query too short for a trigram scans.
                args.push(format!("%{}%", escape_like(&q)));
                conditions.push(format!("search like ${} escape '\\'", args.len()));
            }
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
                    "{negate}exists (select 1 from listing_index l where l.sku = inventory.sku \
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
        let sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("where {}", conditions.join(" and "))
        };
        Self { sql, args }
    }
}

/// One page of products, read in order from an index where one fits.
///
/// On SQLite the page's rows are picked first and read after: a filter
/// that keeps thousands of products, sorted by another column, would
/// otherwise read every one of them whole into the sort, where picking
/// needs only what the filter's index holds (migrations/sqlite/0011).
///
/// # Errors
/// The database could not be read.
pub async fn page(db: &Db, query: &InventoryQuery) -> Result<Vec<InventoryItem>, ProjectionError> {
    let filter = Filter::of(query, db.backend());
    let direction = if query.descending { "desc" } else { "asc" };
    let order = format!(
        "order by {column} {direction}, sku {direction}",
        column = query.sort.column()
    );
    let per_page = i64::from(query.per_page);
    let offset = i64::from(query.page.saturating_sub(1)) * per_page;
    let pick = format!(
        "from inventory {filter} {order} limit {per_page} offset {offset}",
        filter = filter.sql
    );
    let sql = match db.backend() {
        Backend::Postgres => format!("select * {pick}"),
        Backend::Sqlite => {
            format!("select * from inventory where rowid in (select rowid {pick}) {order}")
        }
    };
    let mut list = sqlx::query(&sql);
    for arg in &filter.args {
        list = list.bind(arg);
    }
    Ok(list
        .fetch_all(&db.views)
        .await?
        .iter()
        .map(InventoryItem::from_row)
        .collect::<Result<_, _>>()?)
}

/// How many products match the filters of `query`, on every page.
///
/// This visits every matching row, so it costs far more than a page at
/// tens of thousands of products: callers that serve many requests keep
/// the answer in a [`crate::counts::CountCache`].
///
/// # Errors
/// The database could not be read.
pub async fn count(db: &Db, query: &InventoryQuery) -> Result<i64, ProjectionError> {
    let filter = Filter::of(query, db.backend());
    let sql = format!("select count(*) from inventory {}", filter.sql);
    let mut count = sqlx::query_scalar(&sql);
    for arg in &filter.args {
        count = count.bind(arg);
    }
    Ok(count.fetch_one(&db.views).await?)
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

/// One option of a filter dropdown, read from the `value` and `count`
/// columns of [`facets`]' queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FacetValue {
    pub value: String,
    pub count: i64,
}

/// The options of each filter dropdown with their product counts, in no
/// particular order (see [`order_facets`]).
///
/// Five `group by`s over every product: callers that serve many requests
/// keep the answer in a [`crate::counts::CountCache`].
///
/// # Errors
/// The database could not be read.
pub async fn facets(db: &Db) -> Result<Vec<(DropdownField, Vec<FacetValue>)>, ProjectionError> {
    let mut all = vec![];
    for field in DropdownField::ALL {
        let sql = match field {
            DropdownField::Platform => format!(
                "select platform as value, count(distinct sku) as count from listing_index \
                 where sku is not null and status in {LISTING_UP} group by platform"
            ),
            other => format!(
                "select {0} as value, count(*) as count from inventory group by {0}",
                other.as_str()
            ),
        };
        let values: Vec<FacetValue> = sqlx::query_as(&sql).fetch_all(&db.views).await?;
        all.push((field, values));
    }
    Ok(all)
}

/// Each dropdown's options in the order the shop chose for it (most
/// products first, or A to Z), for the fields asked for.
pub fn order_facets(
    facets: &[(DropdownField, Vec<FacetValue>)],
    orders: &[(DropdownField, DropdownOrder)],
) -> Vec<(DropdownField, Vec<FacetValue>)> {
    orders
        .iter()
        .map(|(field, order)| {
            let mut values = facets
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, values)| values.clone())
                .unwrap_or_default();
            match order {
                DropdownOrder::Count => values.sort_by(|a, b| {
                    b.count
                        .cmp(&a.count)
                        .then_with(|| a.value.to_lowercase().cmp(&b.value.to_lowercase()))
                }),
                DropdownOrder::Alpha => values.sort_by_key(|v| v.value.to_lowercase()),
            }
            (*field, values)
        })
        .collect()
}

/// `%` and `_` typed by a user are literal characters, not wildcards.
fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Every product that is still for sale: what a listing found on a
/// platform is compared with before it is imported as a new product.
///
/// # Errors
/// The database could not be read.
pub async fn active(db: &Db) -> Result<Vec<InventoryItem>, ProjectionError> {
    Ok(
        sqlx::query("select * from inventory where status = 'active' order by sku")
            .fetch_all(&db.views)
            .await?
            .iter()
            .map(InventoryItem::from_row)
            .collect::<Result<_, _>>()?,
    )
}

impl Folded for StockRow {
    const TABLE: &'static str = "inventory";
    const COLUMNS: &'static [&'static str] = &concat::<18>(&[
        &["sku"],
        &ProductDetailsInput::FIELDS,
        &[
            "price_minor",
            "currency",
            "quantity",
            "status",
            "version",
            "media",
            "search",
            "created_at",
            "updated_at",
        ],
    ]);
    const CHUNK: usize = 500;

    fn folds(event: &RecordedEvent) -> bool {
        matches!(event, RecordedEvent::Product(_))
    }

    /// How one product event changes the inventory's rows.
    fn step(rows: &mut HashMap<String, Self>, envelope: &Envelope) -> Result<(), sqlx::Error> {
        let RecordedEvent::Product(event) = &envelope.event else {
            return Ok(());
        };
        let sku = envelope.aggregate_id.as_str();
        if let Some(created) = Self::created(sku, event, envelope) {
            rows.insert(sku.to_owned(), created);
            return Ok(());
        }
        let row = rows.get_mut(sku).ok_or(sqlx::Error::RowNotFound)?;
        row.apply(event, envelope);
        Ok(())
    }

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |e: riff_domain::value::InvalidValue| sqlx::Error::Decode(Box::new(e));
        let media: String = row.try_get("media")?;
        let year: Option<i64> = row.try_get("year")?;
        Ok(Self {
            sku: row.try_get("sku")?,
            details: ProductDetails {
                title: row.try_get("title")?,
                brand: row.try_get("brand")?,
                model: row.try_get("model")?,
                year: year.and_then(|y| u16::try_from(y).ok()),
                finish: row.try_get("finish")?,
                category: row.try_get("category")?,
                condition: row
                    .try_get::<String, _>("condition")?
                    .parse()
                    .map_err(decode)?,
                description: row.try_get("description")?,
            },
            price_minor: row.try_get("price_minor")?,
            currency: row.try_get("currency")?,
            quantity: row.try_get("quantity")?,
            status: match row.try_get::<String, _>("status")?.as_str() {
                "sold" => ProductStatus::Sold,
                "archived" => ProductStatus::Archived,
                "draft" => ProductStatus::Draft,
                _ => ProductStatus::Active,
            },
            version: row.try_get("version")?,
            media: serde_json::from_str(&media).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        let d = &self.details;
        vec![
            Cell::text(&self.sku),
            Cell::text(&d.title),
            Cell::text(&d.brand),
            Cell::text(&d.model),
            Cell::Int(d.year.map(i64::from)),
            Cell::opt_text(d.finish.as_deref()),
            Cell::text(&d.category),
            Cell::text(d.condition.as_str()),
            Cell::opt_text(d.description.as_deref()),
            Cell::int(self.price_minor),
            Cell::text(&self.currency),
            Cell::int(self.quantity),
            Cell::text(self.status.as_str()),
            Cell::int(self.version),
            Cell::owned(serde_json::to_string(&self.media).expect("media serialises")),
            Cell::owned(search_text(&self.sku, d)),
            Cell::text(&self.created_at),
            Cell::text(&self.updated_at),
        ]
    }
}
